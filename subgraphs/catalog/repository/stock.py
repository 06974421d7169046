"""Reservations and the stock audit trail."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.catalog.models import (
    ReservationLineRow,
    ReservationRow,
    ReservationStatus,
    StockMovementRow,
)


async def add_movements(session: AsyncSession, movements: Sequence[dict[str, Any]]) -> None:
    if movements:
        await session.execute(insert(StockMovementRow), list(movements))


async def movements_of(
    session: AsyncSession, product_id: uuid.UUID, limit: int, before_id: int | None = None
) -> list[StockMovementRow]:
    """The product's newest movements first."""
    statement = select(StockMovementRow).where(StockMovementRow.product_id == product_id)
    if before_id is not None:
        statement = statement.where(StockMovementRow.id < before_id)
    statement = statement.order_by(StockMovementRow.id.desc()).limit(limit)
    return list(await session.scalars(statement))


async def count_movements(session: AsyncSession, product_id: uuid.UUID) -> int:
    statement = select(func.count()).where(StockMovementRow.product_id == product_id)
    return int(await session.scalar(statement) or 0)


async def claim_order(
    session: AsyncSession,
    order_id: uuid.UUID,
    caller: str,
    expires_at: datetime,
    status: ReservationStatus = ReservationStatus.RESERVED,
) -> bool:
    """Insert the order's reservation; False when the order already has one.

    A concurrent claim of the same order waits here until the first commits or
    rolls back, so one order is never reserved twice.
    """
    statement = (
        pg_insert(ReservationRow)
        .values(
            order_id=order_id,
            status=status.value,
            caller=caller,
            expires_at=expires_at,
        )
        .on_conflict_do_nothing(index_elements=["order_id"])
        .returning(ReservationRow.order_id)
    )
    return await session.scalar(statement) is not None


async def reservation(
    session: AsyncSession, order_id: uuid.UUID, *, lock: bool
) -> ReservationRow | None:
    """The order's reservation; with `lock`, held until the transaction ends."""
    statement = select(ReservationRow).where(ReservationRow.order_id == order_id)
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(statement)


async def reservation_lines(session: AsyncSession, order_id: uuid.UUID) -> list[ReservationLineRow]:
    statement = (
        select(ReservationLineRow)
        .where(ReservationLineRow.order_id == order_id)
        .order_by(ReservationLineRow.product_id)
    )
    return list(await session.scalars(statement))


async def add_lines(
    session: AsyncSession, order_id: uuid.UUID, lines: Sequence[tuple[uuid.UUID, int]]
) -> None:
    await session.execute(
        insert(ReservationLineRow),
        [{"order_id": order_id, "product_id": pid, "quantity": qty} for pid, qty in lines],
    )


async def claim_due(
    session: AsyncSession,
    now: datetime,
    limit: int,
    product_ids: Sequence[uuid.UUID] | None = None,
) -> list[ReservationRow]:
    """Live reservations past their deadline, locked; rows another transaction holds
    are skipped (that one is committing, releasing or expiring them already)."""
    statement = select(ReservationRow).where(
        ReservationRow.status == ReservationStatus.RESERVED.value,
        ReservationRow.expires_at <= now,
    )
    if product_ids is not None:
        holding = select(ReservationLineRow.order_id).where(
            ReservationLineRow.product_id.in_(product_ids)
        )
        statement = statement.where(ReservationRow.order_id.in_(holding))
    statement = (
        statement.order_by(ReservationRow.expires_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    return list(await session.scalars(statement))


async def lines_of(
    session: AsyncSession, order_ids: Sequence[uuid.UUID]
) -> list[ReservationLineRow]:
    statement = select(ReservationLineRow).where(ReservationLineRow.order_id.in_(order_ids))
    return list(await session.scalars(statement))
