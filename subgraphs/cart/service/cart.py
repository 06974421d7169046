"""Cart rules: quantities, line limits, products that exist and are on sale.

Prices are the catalog's: the cart never stores a price, it asks the catalog
for the current ones whenever a cart is shown (`lineTotal`, `subtotal`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
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


class ProductDirectory(Protocol):
    async def sellable(self, product_ids: Sequence[str]) -> set[str]:
        """The ids among `product_ids` that exist and are active."""
        ...

    async def prices(self, product_ids: Sequence[str]) -> dict[str, Price]:
        """The current price of each of `product_ids` the catalog knows, archived or not."""
        ...


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
        return await self._products.prices(product_ids)

    async def add(self, user_id: str, product_id: str, quantity: int) -> StoredCart:
        self._check_quantity(quantity)
        await self._check_sellable(product_id)
        result = await self._store.add(
            user_id,
            product_id,
            quantity,
            max_quantity=self._settings.max_quantity_per_line,
            max_lines=self._settings.max_lines,
        )
        self._raise_for(result)
        return await self._store.read(user_id)

    async def update(self, user_id: str, product_id: str, quantity: int) -> StoredCart:
        """Set a line's quantity; 0 removes it. Never creates a line."""
        self._check_quantity(quantity, allow_zero=True)
        # Checked first so a product that is not in the cart costs no catalog call;
        # the update itself checks again, as the line may leave while we wait.
        if not await self._store.has_line(user_id, product_id):
            raise NotInCart()
        if quantity > 0:
            await self._check_sellable(product_id)
        self._raise_for(await self._store.update_line(user_id, product_id, quantity))
        return await self._store.read(user_id)

    async def remove(self, user_id: str, product_id: str) -> StoredCart:
        return await self.update(user_id, product_id, 0)

    async def clear(self, user_id: str) -> StoredCart:
        await self._store.clear(user_id)
        return await self._store.read(user_id)

    async def take_ordered(self, user_id: str, event_id: str, lines: list[StoredLine]) -> bool:
        """Give up what an order took, once per event; False when already applied."""
        return await self._store.take_ordered(user_id, event_id, lines)

    def _check_quantity(self, quantity: int, *, allow_zero: bool = False) -> None:
        low = 0 if allow_zero else 1
        high = self._settings.max_quantity_per_line
        if not low <= quantity <= high:
            raise quantity_out_of_range(low, high)

    async def _check_sellable(self, product_id: str) -> None:
        try:
            uuid.UUID(product_id)
        except ValueError:
            raise ProductNotOnSale() from None
        if product_id not in await self._products.sellable([product_id]):
            raise ProductNotOnSale()

    def _raise_for(self, result: ChangeResult) -> None:
        if result.code == QUANTITY_LIMIT:
            raise quantity_limit(self._settings.max_quantity_per_line, result.quantity)
        if result.code == LINE_LIMIT:
            raise line_limit(self._settings.max_lines)
        if result.code == LINE_MISSING:
            raise NotInCart()
