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


class OrderAddress(BaseModel):
    """A shipping address as the order recorded it (a snapshot, not a reference)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    full_name: str
    line1: str
    line2: str | None = None
    city: str
    region: str | None = None
    postal_code: str
    country: str
    phone: str | None = None


class OrderEventLine(BaseModel):
    """An order line as events carry it: what was sold, at what price."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    product_id: uuid.UUID
    sku: str
    name: str
    unit_price: Decimal
    quantity: int


class OrderPaid(Event):
    """The order's payment was captured: ship it, confirm it to the buyer."""

    type: ClassVar[str] = "OrderPaid"
    producer: ClassVar[str] = "orders"
    order_id: uuid.UUID
    user_id: uuid.UUID
    number: str
    currency: str
    subtotal: Decimal
    shipping_cost: Decimal
    total: Decimal
    shipping_method: str
    shipping_address: OrderAddress
    lines: tuple[OrderEventLine, ...]

    def aggregate_id(self) -> str:
        return str(self.order_id)


class OrderPaymentFailed(Event):
    """The charge was declined or failed: the stock is released, the cart kept."""

    type: ClassVar[str] = "OrderPaymentFailed"
    producer: ClassVar[str] = "orders"
    order_id: uuid.UUID
    user_id: uuid.UUID
    number: str
    currency: str
    total: Decimal
    failure_code: str

    def aggregate_id(self) -> str:
        return str(self.order_id)


class OrderCancelled(Event):
    """The buyer cancelled before shipping: refunded, stock released."""

    type: ClassVar[str] = "OrderCancelled"
    producer: ClassVar[str] = "orders"
    order_id: uuid.UUID
    user_id: uuid.UUID
    number: str
    currency: str
    total: Decimal

    def aggregate_id(self) -> str:
        return str(self.order_id)


class OrderReturnRequested(Event):
    """The buyer asked to send a delivered order back."""

    type: ClassVar[str] = "OrderReturnRequested"
    producer: ClassVar[str] = "orders"
    order_id: uuid.UUID
    user_id: uuid.UUID
    number: str
    reason: str

    def aggregate_id(self) -> str:
        return str(self.order_id)


class PaymentRefunded(Event):
    """Money went back to the buyer; `fully_refunded` once nothing captured is left."""

    type: ClassVar[str] = "PaymentRefunded"
    producer: ClassVar[str] = "payments"
    payment_id: uuid.UUID
    refund_id: uuid.UUID
    order_id: uuid.UUID
    user_id: uuid.UUID
    currency: str
    amount: Decimal
    refunded_total: Decimal
    captured: Decimal
    fully_refunded: bool

    def aggregate_id(self) -> str:
        return str(self.payment_id)


class _ShipmentEvent(Event):
    shipment_id: uuid.UUID
    order_id: uuid.UUID
    user_id: uuid.UUID
    carrier: str | None = None
    tracking_number: str | None = None

    def aggregate_id(self) -> str:
        return str(self.order_id)


class ShipmentShipped(_ShipmentEvent):
    """Handed to the carrier: the order is SHIPPED."""

    type: ClassVar[str] = "ShipmentShipped"
    producer: ClassVar[str] = "shipping"


class ShipmentDelivered(_ShipmentEvent):
    """The carrier delivered it: the order is DELIVERED."""

    type: ClassVar[str] = "ShipmentDelivered"
    producer: ClassVar[str] = "shipping"


class ShipmentReturned(_ShipmentEvent):
    """The parcel came back: the order's return is completed (refunded)."""

    type: ClassVar[str] = "ShipmentReturned"
    producer: ClassVar[str] = "shipping"
