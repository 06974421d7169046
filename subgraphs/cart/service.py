"""Cart rules: quantities, line limits, products that exist and are on sale.

Prices are not the cart's business: the catalog contributes `lineTotal` and
`subtotal` to the cart's types, so the cart never stores or trusts a price.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Protocol

from shared.errors import DomainError, invalid_input
from subgraphs.cart.settings import CartSettings
from subgraphs.cart.store import (
    LINE_LIMIT,
    LINE_MISSING,
    QUANTITY_LIMIT,
    CartStore,
    StoredCart,
    StoredLine,
)

# Cart ids are derived from the owner's id, so a cart needs no record of its own.
CART_NAMESPACE = uuid.UUID("6f1d7f4e-3c2a-4b43-9a55-0c7e2b6b1a10")


def cart_id_for(user_id: str) -> str:
    return str(uuid.uuid5(CART_NAMESPACE, user_id))


class CatalogUnavailable(Exception):
    """The catalog did not answer in time; nothing was changed."""


class ProductDirectory(Protocol):
    async def sellable(self, product_ids: Sequence[str]) -> set[str]:
        """The ids among `product_ids` that exist and are active."""
        ...


def _not_found() -> DomainError:
    return DomainError("NOT_FOUND", "No such product is on sale.", ["productId"])


def _not_in_cart() -> DomainError:
    return DomainError("NOT_FOUND", "This product is not in the cart.", ["productId"])


class CartService:
    def __init__(
        self, store: CartStore, products: ProductDirectory, settings: CartSettings
    ) -> None:
        self._store = store
        self._products = products
        self._settings = settings

    async def read(self, user_id: str) -> StoredCart:
        return await self._store.read(user_id)

    def _check_quantity(self, quantity: int, *, allow_zero: bool = False) -> None:
        low = 0 if allow_zero else 1
        high = self._settings.max_quantity_per_line
        if not low <= quantity <= high:
            raise invalid_input(f"The quantity must be {low} to {high}.", "quantity")

    async def _check_sellable(self, product_id: str) -> None:
        try:
            uuid.UUID(product_id)
        except ValueError:
            raise _not_found() from None
        if product_id not in await self._products.sellable([product_id]):
            raise _not_found()

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
        self._raise_for(result.code, result.quantity)
        return await self._store.read(user_id)

    async def update(self, user_id: str, product_id: str, quantity: int) -> StoredCart:
        self._check_quantity(quantity, allow_zero=True)
        # Checked first so a product that is not in the cart costs no catalog call;
        # the update itself checks again, as the line may leave while we wait.
        if not await self._store.has_line(user_id, product_id):
            raise _not_in_cart()
        if quantity > 0:
            await self._check_sellable(product_id)
        result = await self._store.update_line(user_id, product_id, quantity)
        if result.code == LINE_MISSING:
            raise _not_in_cart()
        return await self._store.read(user_id)

    async def remove(self, user_id: str, product_id: str) -> StoredCart:
        return await self.update(user_id, product_id, 0)

    async def clear(self, user_id: str) -> StoredCart:
        await self._store.clear(user_id)
        return await self._store.read(user_id)

    async def take_ordered(self, user_id: str, event_id: str, lines: list[StoredLine]) -> bool:
        return await self._store.take_ordered(user_id, event_id, lines)

    def _raise_for(self, code: int, current: int) -> None:
        if code == QUANTITY_LIMIT:
            limit = self._settings.max_quantity_per_line
            raise invalid_input(
                f"At most {limit} of one product per cart (you have {current}).", "quantity"
            )
        if code == LINE_LIMIT:
            raise invalid_input(
                f"A cart holds at most {self._settings.max_lines} different products.",
                "productId",
            )
