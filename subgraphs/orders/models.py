"""Orders tables: orders with their item and address snapshots, status history,
and the persisted steps of each checkout."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import service_metadata
from shared.events.outbox import outbox_table, processed_events_table

# A database function (migration 0001) formats the next value of the order
# number sequence as MS-000123; numbers grow past six digits rather than wrap.
NEXT_ORDER_NUMBER_SQL = "next_order_number()"


class Base(DeclarativeBase):
    metadata = service_metadata()


# Declared so Alembic's autogenerate knows them; created by migration 0002.
outbox_table(Base.metadata)
processed_events_table(Base.metadata)


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "PENDING_PAYMENT"
    PAID = "PAID"
    PAYMENT_FAILED = "PAYMENT_FAILED"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"
    RETURN_REQUESTED = "RETURN_REQUESTED"
    REFUNDED = "REFUNDED"


class StockState(StrEnum):
    """Where the order's catalog reservation stands, as far as orders knows."""

    HELD = "HELD"  # reserved, neither committed nor released yet
    COMMITTED = "COMMITTED"  # the units left the stock (the order was paid)
    RELEASED = "RELEASED"  # given back (payment failed, order cancelled)
    # The hold expired before it could be committed: the units went back on sale.
    LOST = "LOST"


class CheckoutStep(StrEnum):
    CLAIMED = "CLAIMED"  # the key is taken and the order id chosen; no order yet
    ORDER_CREATED = "ORDER_CREATED"  # the order exists, PENDING_PAYMENT, being charged
    # The charge's outcome is unknown; the recovery job settles it.
    AWAITING_PAYMENT = "AWAITING_PAYMENT"
    COMPLETED = "COMPLETED"  # the charge's outcome is recorded on the order


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class OrderRow(Base):
    __tablename__ = "orders"
    # Read server-set values (number, timestamps) back with RETURNING.
    __mapper_args__ = {"eager_defaults": True}

    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True)
    number: Mapped[str] = mapped_column(
        String(20), unique=True, server_default=text(NEXT_ORDER_NUMBER_SQL)
    )
    user_id: Mapped[uuid.UUID] = mapped_column(UUID)
    status: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    shipping_cost: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    ship_full_name: Mapped[str] = mapped_column(String(200))
    ship_line1: Mapped[str] = mapped_column(String(200))
    ship_line2: Mapped[str | None] = mapped_column(String(200))
    ship_city: Mapped[str] = mapped_column(String(100))
    ship_region: Mapped[str | None] = mapped_column(String(100))
    ship_postal_code: Mapped[str] = mapped_column(String(20))
    ship_country: Mapped[str] = mapped_column(String(2))
    ship_phone: Mapped[str | None] = mapped_column(String(32))
    shipping_method: Mapped[str] = mapped_column(String(32))
    payment_id: Mapped[uuid.UUID | None] = mapped_column(UUID)
    failure_code: Mapped[str | None] = mapped_column(String(64))
    stock: Mapped[str] = mapped_column(String(12), default=StockState.HELD.value)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    __table_args__ = (
        CheckConstraint("total = subtotal + shipping_cost", name="total_adds_up"),
        CheckConstraint("subtotal >= 0 AND shipping_cost >= 0", name="amounts_not_negative"),
        CheckConstraint(_in("status", OrderStatus), name="known_status"),
        CheckConstraint(_in("stock", StockState), name="known_stock"),
        # A user's orders, newest first.
        Index("ix_orders_user_id_created_at_id", "user_id", "created_at", "id"),
        # The admin listing, all or by status (recovery finds PENDING_PAYMENT ones too).
        Index("ix_orders_created_at_id", "created_at", "id"),
        Index("ix_orders_status_created_at_id", "status", "created_at", "id"),
        # Recovery looks for settled orders whose stock was neither committed nor released.
        Index("ix_orders_stock_held", "updated_at", postgresql_where=text("stock = 'HELD'")),
    )


class OrderItemRow(Base):
    """One line of an order: what was sold, at the price of the moment."""

    __tablename__ = "order_items"

    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(UUID)
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    quantity: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
    )

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


class OrderStatusChangeRow(Base):
    __tablename__ = "order_status_changes"
    __mapper_args__ = {"eager_defaults": True}

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))
    # The wall clock, not the transaction's start: two changes in one
    # transaction still read in order.
    at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.clock_timestamp()
    )
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_order_status_changes_order_id_id", "order_id", "id"),)


class CheckoutRow(Base):
    """A checkout's claim on its idempotency key, and how far it got.

    The order id is chosen when the key is claimed, so the stock reservation
    and the charge (both keyed by it) can be found again after a crash.
    """

    __tablename__ = "checkouts"
    __mapper_args__ = {"eager_defaults": True}

    user_id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    # What was being bought: a repeat of the key must be for the same thing.
    fingerprint: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[uuid.UUID] = mapped_column(UUID, unique=True)
    step: Mapped[str] = mapped_column(String(16), default=CheckoutStep.CLAIMED.value)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    __table_args__ = (
        CheckConstraint(_in("step", CheckoutStep), name="known_step"),
        # Recovery looks for old claims that never became orders.
        Index("ix_checkouts_step_created_at", "step", "created_at"),
    )
