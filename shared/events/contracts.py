"""The events services exchange: one class each, shared by producer and consumers."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from shared.events.base import Event


class UserRegistered(Event):
    type: ClassVar[str] = "UserRegistered"
    producer: ClassVar[str] = "accounts"
    user_id: uuid.UUID
    email: str
    name: str

    def aggregate_id(self) -> str:
        return str(self.user_id)


class UserUpdated(Event):
    """A user's name or e-mail changed; both carry their new values."""

    type: ClassVar[str] = "UserUpdated"
    producer: ClassVar[str] = "accounts"
    user_id: uuid.UUID
    email: str
    name: str

    def aggregate_id(self) -> str:
        return str(self.user_id)


class PasswordChanged(Event):
    type: ClassVar[str] = "PasswordChanged"
    producer: ClassVar[str] = "accounts"
    user_id: uuid.UUID

    def aggregate_id(self) -> str:
        return str(self.user_id)


class ProductPriceChanged(Event):
    """A product's price changed: prices shown elsewhere (carts, feeds) are stale."""

    type: ClassVar[str] = "ProductPriceChanged"
    producer: ClassVar[str] = "catalog"
    product_id: uuid.UUID
    sku: str
    old_price: Decimal
    new_price: Decimal
    currency: str

    def aggregate_id(self) -> str:
        return str(self.product_id)


class ProductArchived(Event):
    """A product left the catalogue: no longer listed or sold, still resolvable by id."""

    type: ClassVar[str] = "ProductArchived"
    producer: ClassVar[str] = "catalog"
    product_id: uuid.UUID
    sku: str

    def aggregate_id(self) -> str:
        return str(self.product_id)


class StockChanged(Event):
    """Stock on hand or reserved changed; `available` is what can still be sold.

    `kind` says what happened (ADJUSTED, INITIAL, RESERVED, COMMITTED, RELEASED,
    EXPIRED, RESTOCKED); `order_id` is set for the reservation kinds.
    """

    type: ClassVar[str] = "StockChanged"
    producer: ClassVar[str] = "catalog"
    product_id: uuid.UUID
    sku: str
    kind: str
    delta_on_hand: int
    delta_reserved: int
    on_hand: int
    reserved: int
    available: int
    reason: str
    order_id: uuid.UUID | None = None

    def aggregate_id(self) -> str:
        return str(self.product_id)


class OrderedLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    product_id: uuid.UUID
    quantity: int


class OrderPlaced(Event):
    """An order was placed from a user's cart: the cart gives up what was ordered."""

    type: ClassVar[str] = "OrderPlaced"
    producer: ClassVar[str] = "orders"
    order_id: uuid.UUID
    user_id: uuid.UUID
    lines: tuple[OrderedLine, ...]

    def aggregate_id(self) -> str:
        return str(self.order_id)
