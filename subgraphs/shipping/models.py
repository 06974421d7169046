"""Shipping tables: one shipment per paid order, and its tracking history."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Identity, String, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import service_metadata
from shared.events.outbox import outbox_table, processed_events_table


class Base(DeclarativeBase):
    metadata = service_metadata()


# Declared so Alembic's autogenerate knows them; created by migration 0002.
outbox_table(Base.metadata)
processed_events_table(Base.metadata)


class ShipmentStatus(StrEnum):
    PENDING = "PENDING"  # the order is paid; nothing handed to a carrier yet
    SHIPPED = "SHIPPED"  # handed to a carrier, with a tracking number
    IN_TRANSIT = "IN_TRANSIT"
    DELIVERED = "DELIVERED"
    RETURNED = "RETURNED"  # came back after delivery
    CANCELLED = "CANCELLED"  # the order was cancelled before it shipped


class ShipmentRow(Base):
    __tablename__ = "shipments"
    __mapper_args__ = {"eager_defaults": True}

    id: Mapped[uuid.UUID] = mapped_column(UUID, primary_key=True, default=uuid.uuid4)
    # One shipment per order: OrderPaid delivered twice still makes one.
    order_id: Mapped[uuid.UUID] = mapped_column(UUID, unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(UUID, index=True)
    method: Mapped[str] = mapped_column(String(32))
    # The address as the order recorded it (OrderAddress), not a reference.
    address: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(16))
    carrier: Mapped[str | None] = mapped_column(String(100))
    tracking_number: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class TrackingEventRow(Base):
    """One change of a shipment's status, in the order they happened."""

    __tablename__ = "tracking_events"
    __mapper_args__ = {"eager_defaults": True}

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    shipment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shipments.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(String(500))
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
