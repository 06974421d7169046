"""Reading and writing payment rows."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.payments.models import PaymentRow, PaymentStatus


async def insert_pending_payment(
    session: AsyncSession,
    *,
    order_id: uuid.UUID,
    user_id: uuid.UUID,
    amount: Decimal,
    currency: str,
    processor_key: str,
) -> bool:
    """Record the order's payment as PENDING; False when the order already has one."""
    statement = (
        insert(PaymentRow)
        .values(
            id=uuid.uuid4(),
            order_id=order_id,
            user_id=user_id,
            amount=amount,
            currency=currency,
            status=PaymentStatus.PENDING.value,
            processor_key=processor_key,
            refunded_amount=Decimal("0.00"),
        )
        .on_conflict_do_nothing(index_elements=[PaymentRow.order_id])
        .returning(PaymentRow.id)
    )
    return (await session.scalar(statement)) is not None


async def payment_of_order(session: AsyncSession, order_id: uuid.UUID) -> PaymentRow | None:
    return await session.scalar(select(PaymentRow).where(PaymentRow.order_id == order_id))


async def lock_payment_of_order(session: AsyncSession, order_id: uuid.UUID) -> PaymentRow | None:
    """The order's payment, locked until the transaction ends: one caller at a
    time charges, settles or refunds it."""
    statement = (
        select(PaymentRow)
        .where(PaymentRow.order_id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return await session.scalar(statement)


async def lock_payment(session: AsyncSession, payment_id: uuid.UUID) -> PaymentRow | None:
    statement = (
        select(PaymentRow)
        .where(PaymentRow.id == payment_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return await session.scalar(statement)


async def delete_payment(session: AsyncSession, payment_id: uuid.UUID) -> None:
    await session.execute(delete(PaymentRow).where(PaymentRow.id == payment_id))


async def payments_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[PaymentRow]:
    return list(await session.scalars(select(PaymentRow).where(PaymentRow.id.in_(ids))))


async def payments_of_orders(
    session: AsyncSession, order_ids: Sequence[uuid.UUID]
) -> list[PaymentRow]:
    statement = (
        select(PaymentRow)
        .where(PaymentRow.order_id.in_(order_ids))
        .order_by(PaymentRow.created_at, PaymentRow.id)
    )
    return list(await session.scalars(statement))
