"""SQL on checkouts: claiming an idempotency key and recording a checkout's step."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.orders.models import CheckoutRow, CheckoutStep


async def claim(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    key: str,
    fingerprint: str,
    order_id: uuid.UUID,
) -> bool:
    """Take the user's key for a new checkout; False when it was already taken.

    A concurrent claim of the same key waits on the unique index until the
    first commits, then finds it taken: one key, one checkout.
    """
    statement = (
        insert(CheckoutRow)
        .values(
            user_id=user_id,
            idempotency_key=key,
            fingerprint=fingerprint,
            order_id=order_id,
            step=CheckoutStep.CLAIMED.value,
        )
        .on_conflict_do_nothing(index_elements=[CheckoutRow.user_id, CheckoutRow.idempotency_key])
        .returning(CheckoutRow.order_id)
    )
    return await session.scalar(statement) is not None


async def checkout_of(session: AsyncSession, user_id: uuid.UUID, key: str) -> CheckoutRow | None:
    statement = select(CheckoutRow).where(
        CheckoutRow.user_id == user_id, CheckoutRow.idempotency_key == key
    )
    return await session.scalar(statement.execution_options(populate_existing=True))


async def lock_checkout_of_order(session: AsyncSession, order_id: uuid.UUID) -> CheckoutRow | None:
    statement = (
        select(CheckoutRow)
        .where(CheckoutRow.order_id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return await session.scalar(statement)


async def set_step(session: AsyncSession, order_id: uuid.UUID, step: CheckoutStep) -> None:
    await session.execute(
        update(CheckoutRow).where(CheckoutRow.order_id == order_id).values(step=step.value)
    )


async def delete_checkout_of_order(session: AsyncSession, order_id: uuid.UUID) -> None:
    await session.execute(delete(CheckoutRow).where(CheckoutRow.order_id == order_id))


async def lock_stale_claim(
    session: AsyncSession, before: datetime, skip: Sequence[uuid.UUID]
) -> CheckoutRow | None:
    """The oldest claim made before `before` that never became an order (and whose
    order id is not in `skip`), locked with SKIP LOCKED."""
    statement = (
        select(CheckoutRow)
        .where(CheckoutRow.step == CheckoutStep.CLAIMED.value, CheckoutRow.created_at < before)
        .order_by(CheckoutRow.created_at)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if skip:
        statement = statement.where(CheckoutRow.order_id.not_in(skip))
    return await session.scalar(statement)
