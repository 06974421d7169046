"""The orders later messages name: number and total per order id."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.notifications.models import KnownOrderRow


async def upsert_order(
    session: AsyncSession,
    *,
    order_id: uuid.UUID,
    user_id: uuid.UUID,
    number: str,
    total: Decimal,
    currency: str,
) -> None:
    values = {"user_id": user_id, "number": number, "total": total, "currency": currency}
    await session.execute(
        insert(KnownOrderRow)
        .values(order_id=order_id, **values)
        .on_conflict_do_update(
            index_elements=[KnownOrderRow.order_id], set_={**values, "updated_at": func.now()}
        )
    )


async def order_of(session: AsyncSession, order_id: uuid.UUID) -> KnownOrderRow | None:
    # Read afresh: an upsert earlier in this transaction bypassed the session.
    return await session.scalar(
        select(KnownOrderRow)
        .where(KnownOrderRow.order_id == order_id)
        .execution_options(populate_existing=True)
    )
