"""Cart rules: quantities, line limits, products that exist and are on sale.

Prices are the catalog's: the cart never stores a price, it asks the catalog
for the current ones whenever a cart is shown (`lineTotal`, `subtotal`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from subgraphs.cart.repository import (
    LINE_LIMIT,
    LINE_MISSING,
    QUANTITY_LIMIT,
    CartStore,
    ChangeResult,
    StoredCart,
    StoredLine,
)
from subgraphs.cart.service.errors import (
    NotInCart,
    ProductNotOnSale,
    line_limit,
    quantity_limit,
    quantity_out_of_range,
)
from subgraphs.cart.settings import CartSettings


@dataclass(frozen=True, slots=True)
class Price:
    amount: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class Listing:
    """What the catalog says of a product: on sale or not, and its current price."""

    active: bool
    price: Price


class ProductDirectory(Protocol):
    async def lookup(self, product_ids: Sequence[str]) -> dict[str, Listing]:
        """The products among `product_ids` the catalog knows, archived or not."""
        ...


@dataclass(frozen=True, slots=True)
class ChangedCart:
    cart: StoredCart
    # The prices the change learned from the catalog: showing the cart need not ask again.
    prices: dict[str, Price] = field(default_factory=dict)


class CartService:
    def __init__(
        self, store: CartStore, products: ProductDirectory, settings: CartSettings
    ) -> None:
        self._store = store
        self._products = products
        self._settings = settings

    async def read(self, user_id: str) -> StoredCart:
        return await self._store.read(user_id)

    async def prices(self, product_ids: Sequence[str]) -> dict[str, Price]:
        """Current catalog prices; products it does not know are left out."""
        if not product_ids:
            return {}
        listings = await self._products.lookup(product_ids)
        return {product_id: listing.price for product_id, listing in listings.items()}

    async def add(self, user_id: str, product_id: str, quantity: int) -> ChangedCart:
        self._check_quantity(quantity)
        # One catalog call checks the product and prices the lines already there.
        others = [line.product_id for line in (await self._store.read(user_id)).lines]
        prices = await self._check_sellable(product_id, others)
        result = await self._store.add(
            user_id,
            product_id,
            quantity,
            max_quantity=self._settings.max_quantity_per_line,
            max_lines=self._settings.max_lines,
        )
        self._raise_for(result)
        return ChangedCart(await self._store.read(user_id), prices)

    async def update(self, user_id: str, product_id: str, quantity: int) -> ChangedCart:
        """Set a line's quantity; 0 removes it. Never creates a line."""
        self._check_quantity(quantity, allow_zero=True)
        # Checked first so a product that is not in the cart costs no catalog call;
        # the update itself checks again, as the line may leave while we wait.
        lines = [line.product_id for line in (await self._store.read(user_id)).lines]
        if product_id not in lines:
            raise NotInCart()
        prices: dict[str, Price] = {}
        if quantity > 0:
            prices = await self._check_sellable(product_id, lines)
        self._raise_for(await self._store.update_line(user_id, product_id, quantity))
        return ChangedCart(await self._store.read(user_id), prices)

    async def remove(self, user_id: str, product_id: str) -> ChangedCart:
        return await self.update(user_id, product_id, 0)

    async def clear(self, user_id: str) -> ChangedCart:
        await self._store.clear(user_id)
        return ChangedCart(await self._store.read(user_id))

    async def take_ordered(self, user_id: str, event_id: str, lines: list[StoredLine]) -> bool:
        """Give up what an order took, once per event; False when already applied."""
        return await self._store.take_ordered(user_id, event_id, lines)

    def _check_quantity(self, quantity: int, *, allow_zero: bool = False) -> None:
        low = 0 if allow_zero else 1
        high = self._settings.max_quantity_per_line
        if not low <= quantity <= high:
            raise quantity_out_of_range(low, high)

    async def _check_sellable(self, product_id: str, others: Sequence[str]) -> dict[str, Price]:
        """ProductNotOnSale unless `product_id` is; the prices of it and of `others`."""
        try:
            uuid.UUID(product_id)
        except ValueError:
            raise ProductNotOnSale() from None
        listings = await self._products.lookup(list(dict.fromkeys([product_id, *others])))
        listing = listings.get(product_id)
        if listing is None or not listing.active:
            raise ProductNotOnSale()
        return {known: found.price for known, found in listings.items()}

    def _raise_for(self, result: ChangeResult) -> None:
        if result.code == QUANTITY_LIMIT:
            raise quantity_limit(self._settings.max_quantity_per_line, result.quantity)
        if result.code == LINE_LIMIT:
            raise line_limit(self._settings.max_lines)
        if result.code == LINE_MISSING:
            raise NotInCart()
