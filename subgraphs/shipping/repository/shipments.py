"""Reading and writing shipments and their tracking events."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.shipping.models import ShipmentRow, TrackingEventRow


async def shipments_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[ShipmentRow]:
    return list(await session.scalars(select(ShipmentRow).where(ShipmentRow.id.in_(ids))))


async def shipments_of_orders(
    session: AsyncSession, order_ids: Sequence[uuid.UUID]
) -> list[ShipmentRow]:
    statement = select(ShipmentRow).where(ShipmentRow.order_id.in_(order_ids))
    return list(await session.scalars(statement))


async def shipment_by_tracking_number(
    session: AsyncSession, tracking_number: str
) -> ShipmentRow | None:
    statement = select(ShipmentRow).where(ShipmentRow.tracking_number == tracking_number)
    return await session.scalar(statement)


async def lock_shipment(session: AsyncSession, shipment_id: uuid.UUID) -> ShipmentRow | None:
    statement = select(ShipmentRow).where(ShipmentRow.id == shipment_id).with_for_update()
    return await session.scalar(statement)


async def lock_shipment_of_order(session: AsyncSession, order_id: uuid.UUID) -> ShipmentRow | None:
    statement = select(ShipmentRow).where(ShipmentRow.order_id == order_id).with_for_update()
    return await session.scalar(statement)


async def tracking_number_taken(session: AsyncSession, tracking_number: str) -> bool:
    statement = select(ShipmentRow.id).where(ShipmentRow.tracking_number == tracking_number)
    return await session.scalar(statement.limit(1)) is not None


async def insert_shipment_once(session: AsyncSession, **values: Any) -> uuid.UUID | None:
    """Insert unless the order has a shipment already; the new id, or None."""
    statement = (
        insert(ShipmentRow)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[ShipmentRow.order_id])
        .returning(ShipmentRow.id)
    )
    inserted: uuid.UUID | None = await session.scalar(statement)
    return inserted


async def add_tracking_event(
    session: AsyncSession, shipment_id: uuid.UUID, status: str, description: str
) -> TrackingEventRow:
    row = TrackingEventRow(shipment_id=shipment_id, status=status, description=description)
    session.add(row)
    await session.flush()
    return row


async def events_of_shipments(
    session: AsyncSession, shipment_ids: Sequence[uuid.UUID]
) -> list[TrackingEventRow]:
    statement = (
        select(TrackingEventRow)
        .where(TrackingEventRow.shipment_id.in_(shipment_ids))
        .order_by(TrackingEventRow.shipment_id, TrackingEventRow.id)
    )
    return list(await session.scalars(statement))
