"""The cart's internal API: what a user's cart holds."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

from shared.internal import InternalCallError, ServiceClient
from subgraphs.orders.clients.common import within
from subgraphs.orders.clients.errors import PeerRefused


class CartLine(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    product_id: uuid.UUID
    quantity: int


class _Cart(BaseModel):
    model_config = ConfigDict(extra="ignore")

    lines: list[CartLine] = []


class CartClient:
    def __init__(self, cart: ServiceClient, timeout_seconds: float) -> None:
        self._cart = cart
        self._timeout = timeout_seconds

    async def lines(self, user_id: uuid.UUID) -> list[CartLine]:
        """The user's cart lines (none when the user has no cart)."""
        try:
            cart = await within(
                "cart",
                self._timeout,
                self._cart.get(f"/internal/carts/{user_id}", response_model=_Cart),
            )
        except InternalCallError as error:
            raise PeerRefused("cart", error.code, error.message) from error
        return cart.lines
