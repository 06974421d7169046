"""Reading and writing refund rows."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.payments.models import RefundRow, RefundStatus


async def refund_by_key(session: AsyncSession, payment_id: uuid.UUID, key: str) -> RefundRow | None:
    statement = select(RefundRow).where(
        RefundRow.payment_id == payment_id, RefundRow.idempotency_key == key
    )
    return await session.scalar(statement.execution_options(populate_existing=True))


async def reserved_amount(session: AsyncSession, payment_id: uuid.UUID) -> Decimal:
    """What refunds still pending hold back from the payment (not yet refunded)."""
    statement = select(func.coalesce(func.sum(RefundRow.amount), 0)).where(
        RefundRow.payment_id == payment_id, RefundRow.status == RefundStatus.PENDING.value
    )
    return Decimal(await session.scalar(statement) or 0)


async def insert_refund(
    session: AsyncSession,
    *,
    payment_id: uuid.UUID,
    amount: Decimal,
    reason: str,
    idempotency_key: str | None,
) -> RefundRow:
    row = RefundRow(
        id=uuid.uuid4(),
        payment_id=payment_id,
        amount=amount,
        reason=reason,
        idempotency_key=idempotency_key,
        status=RefundStatus.PENDING.value,
    )
    session.add(row)
    await session.flush()
    return row


async def lock_refund(session: AsyncSession, refund_id: uuid.UUID) -> RefundRow | None:
    statement = (
        select(RefundRow)
        .where(RefundRow.id == refund_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return await session.scalar(statement)


async def refunds_of_payments(
    session: AsyncSession, payment_ids: Sequence[uuid.UUID]
) -> list[RefundRow]:
    statement = (
        select(RefundRow)
        .where(RefundRow.payment_id.in_(payment_ids))
        .order_by(RefundRow.created_at, RefundRow.id)
    )
    return list(await session.scalars(statement))


async def pending_refunds_before(
    session: AsyncSession, before: datetime, limit: int
) -> list[RefundRow]:
    statement = (
        select(RefundRow)
        .where(RefundRow.status == RefundStatus.PENDING.value, RefundRow.created_at < before)
        .order_by(RefundRow.created_at)
        .limit(limit)
    )
    return list(await session.scalars(statement))
