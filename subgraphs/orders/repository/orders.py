"""SQL on orders, their items and their status history."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.keyset import SortColumn, after, parse_key
from subgraphs.orders.models import (
    OrderItemRow,
    OrderRow,
    OrderStatus,
    OrderStatusChangeRow,
    StockState,
)

# Newest first; the id makes the order total. Served by the (…, created_at, id) indexes.
ORDER_ORDER = (
    SortColumn(OrderRow.created_at.expression, descending=True, parse=datetime.fromisoformat),
    SortColumn(OrderRow.id.expression, descending=True, parse=lambda value: uuid.UUID(str(value))),
)


async def insert_order(
    session: AsyncSession, order: OrderRow, items: Sequence[OrderItemRow]
) -> None:
    session.add(order)
    await session.flush()
    session.add_all(items)
    await session.flush()


async def add_status_change(
    session: AsyncSession, order_id: uuid.UUID, status: OrderStatus, note: str | None
) -> None:
    session.add(OrderStatusChangeRow(order_id=order_id, status=status.value, note=note))
    await session.flush()


async def orders_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[OrderRow]:
    return list(await session.scalars(select(OrderRow).where(OrderRow.id.in_(ids))))


async def items_of_orders(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[OrderItemRow]:
    statement = (
        select(OrderItemRow)
        .where(OrderItemRow.order_id.in_(ids))
        .order_by(OrderItemRow.order_id, OrderItemRow.position)
    )
    return list(await session.scalars(statement))


async def status_changes_of_orders(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[OrderStatusChangeRow]:
    """Oldest first within each order."""
    statement = (
        select(OrderStatusChangeRow)
        .where(OrderStatusChangeRow.order_id.in_(ids))
        .order_by(OrderStatusChangeRow.order_id, OrderStatusChangeRow.id)
    )
    return list(await session.scalars(statement))


async def lock_order(
    session: AsyncSession, order_id: uuid.UUID, *, skip_locked: bool = False
) -> OrderRow | None:
    """The order, locked until the transaction ends (None if absent, or if another
    transaction holds it and `skip_locked`)."""
    statement = (
        select(OrderRow)
        .where(OrderRow.id == order_id)
        .with_for_update(skip_locked=skip_locked)
        .execution_options(populate_existing=True)
    )
    return await session.scalar(statement)


def _filters(user_id: uuid.UUID | None, status: OrderStatus | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if user_id is not None:
        conditions.append(OrderRow.user_id == user_id)
    if status is not None:
        conditions.append(OrderRow.status == status.value)
    return conditions


async def list_orders(
    session: AsyncSession,
    *,
    user_id: uuid.UUID | None,
    status: OrderStatus | None,
    limit: int,
    after_key: Sequence[Any] | None,
) -> list[OrderRow]:
    """A page of orders, newest first. Raises ValueError for a key not of this listing."""
    conditions = _filters(user_id, status)
    if after_key is not None:
        conditions.append(after(ORDER_ORDER, parse_key(ORDER_ORDER, after_key)))
    statement = (
        select(OrderRow)
        .where(*conditions)
        .order_by(*(column.order_by() for column in ORDER_ORDER))
        .limit(limit)
    )
    return list(await session.scalars(statement))


async def count_orders(
    session: AsyncSession, *, user_id: uuid.UUID | None, status: OrderStatus | None
) -> int:
    statement = select(func.count()).select_from(OrderRow).where(*_filters(user_id, status))
    return int(await session.scalar(statement) or 0)


def order_sort_key(row: OrderRow) -> list[Any]:
    return [row.created_at.isoformat(), str(row.id)]


async def lock_due_pending(
    session: AsyncSession, before: datetime, skip: Sequence[uuid.UUID]
) -> OrderRow | None:
    """The oldest order still PENDING_PAYMENT created before `before` that no other
    transaction holds (and not in `skip`), locked: two recovery runs never settle
    the same order."""
    statement = (
        select(OrderRow)
        .where(OrderRow.status == OrderStatus.PENDING_PAYMENT.value, OrderRow.created_at < before)
        .order_by(OrderRow.created_at)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if skip:
        statement = statement.where(OrderRow.id.not_in(skip))
    return await session.scalar(statement)


async def lock_due_stock(
    session: AsyncSession, before: datetime, skip: Sequence[uuid.UUID]
) -> OrderRow | None:
    """A settled order whose stock was not settled with it (a commit or release that
    did not go through), last changed before `before`, locked with SKIP LOCKED."""
    unsold = [OrderStatus.PAYMENT_FAILED.value, OrderStatus.CANCELLED.value]
    statement = (
        select(OrderRow)
        .where(
            or_(
                and_(
                    OrderRow.stock == StockState.HELD.value,
                    OrderRow.status != OrderStatus.PENDING_PAYMENT.value,
                ),
                # A cancelled paid order whose units have not gone back yet.
                and_(OrderRow.stock == StockState.COMMITTED.value, OrderRow.status.in_(unsold)),
            ),
            OrderRow.updated_at < before,
        )
        .order_by(OrderRow.updated_at)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if skip:
        statement = statement.where(OrderRow.id.not_in(skip))
    return await session.scalar(statement)
