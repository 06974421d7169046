"""Catalog tables: categories, products, reservations and the stock audit trail."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import service_metadata
from shared.events.outbox import outbox_table, processed_events_table

# What search matches, as the expressions of its two GIN indexes (migration 0006):
# the name and SKU, and the same with the description. English stemming for
# words; 'simple' (no stemming) for SKUs, and for the name once more, so that a
# half-typed word longer than its stem ("runn" for "running", stem "run") still
# finds it by prefix. Queries spell them exactly so, unqualified, for the planner
# to match them with the indexes, and parenthesised as Postgres prints them, for
# Alembic to compare them. No vector is stored in the rows, which keeps them
# narrow for the heap visits that counting matches costs.
NAME_DOCUMENT_SQL = (
    "(to_tsvector('english', coalesce(name, '')) || "
    "to_tsvector('simple', coalesce(sku, ''))) || "
    "to_tsvector('simple', coalesce(name, ''))"
)
FULL_DOCUMENT_SQL = f"({NAME_DOCUMENT_SQL}) || to_tsvector('english', coalesce(description, ''))"
NAME_DOCUMENT: ColumnElement[Any] = literal_column(f"({NAME_DOCUMENT_SQL})", TSVECTOR)
FULL_DOCUMENT: ColumnElement[Any] = literal_column(f"({FULL_DOCUMENT_SQL})", TSVECTOR)


class Base(DeclarativeBase):
    metadata = service_metadata()


# Declared so Alembic's autogenerate knows them; created by migration 0002.
outbox_table(Base.metadata)
processed_events_table(Base.metadata)


class CategoryRow(Base):
    __tablename__ = "categories"
    __mapper_args__ = {"eager_defaults": True}

    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    # No ON DELETE action (migration 0001): a category with children is not deleted.
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("categories.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ProductRow(Base):
    __tablename__ = "products"
    # As the migrations created them (0001, 0005, 0006): one per listing order
    # of active products, each ending in the id tie-breaker, and the search indexes.
    __table_args__ = (
        Index(
            "ix_products_name_document",
            text(f"({NAME_DOCUMENT_SQL})"),
            postgresql_using="gin",
            postgresql_where=text("active"),
        ),
        Index(
            "ix_products_full_document",
            text(f"({FULL_DOCUMENT_SQL})"),
            postgresql_using="gin",
            postgresql_where=text("active"),
        ),
        Index(
            "ix_products_newest",
            text("created_at DESC"),
            text("id DESC"),
            postgresql_where=text("active"),
        ),
        Index("ix_products_price", "price", "id", postgresql_where=text("active")),
        Index("ix_products_name", "name", "id", postgresql_where=text("active")),
        Index(
            "ix_products_category_price",
            "category_id",
            "price",
            "id",
            postgresql_include=["stock_on_hand", "stock_reserved"],
            postgresql_where=text("active"),
        ),
    )
    # Read server-set values (timestamps) back with RETURNING on insert and update,
    # instead of expiring them: an async session cannot load them lazily later.
    __mapper_args__ = {"eager_defaults": True}

    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, default=uuid.uuid4)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    category_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL"), index=True
    )
    stock_on_hand: Mapped[int] = mapped_column(Integer, default=0)
    stock_reserved: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(UUID)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    @property
    def stock_available(self) -> int:
        return self.stock_on_hand - self.stock_reserved


class ReservationStatus(StrEnum):
    RESERVED = "RESERVED"  # holding stock until committed, released or expired
    COMMITTED = "COMMITTED"  # paid: the units left the stock on hand
    RELEASED = "RELEASED"  # given back (payment failed, order cancelled)
    EXPIRED = "EXPIRED"  # neither committed nor released in time


class ReservationRow(Base):
    """One order's hold on stock; the order id makes every call on it idempotent."""

    __tablename__ = "reservations"
    # The expiry sweep looks only at live holds (migration 0003).
    __table_args__ = (
        Index("ix_reservations_due", "expires_at", postgresql_where=text("status = 'RESERVED'")),
    )
    __mapper_args__ = {"eager_defaults": True}

    order_id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    # The service that reserved (from its service token), for the audit trail.
    caller: Mapped[str] = mapped_column(String(40))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class ReservationLineRow(Base):
    __tablename__ = "reservation_lines"
    __table_args__ = (Index("ix_reservation_lines_product_id", "product_id"),)

    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reservations.order_id", ondelete="CASCADE"), primary_key=True
    )
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)


class StockMovementRow(Base):
    """The audit trail: every change to a product's stock, who made it and why."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        Index("ix_stock_movements_product_id", "product_id", "id"),
        Index("ix_stock_movements_order_id", "order_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"))
    kind: Mapped[str] = mapped_column(String(16))
    delta_on_hand: Mapped[int] = mapped_column(Integer)
    delta_reserved: Mapped[int] = mapped_column(Integer)
    on_hand_after: Mapped[int] = mapped_column(Integer)
    reserved_after: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200))
    # "user:<id>" for an admin, "service:<name>" for a calling service, "system:<job>".
    actor: Mapped[str] = mapped_column(String(100))
    order_id: Mapped[uuid.UUID | None] = mapped_column(UUID)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
