"""Messages: recorded by the consumer, listed per user, claimed and settled by the dispatcher."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import column, func, or_, select, true, update, values
from sqlalchemy.dialects.postgresql import UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from shared.db.keyset import SortColumn, after
from subgraphs.notifications.models import DeliveryStatus, NotificationRow

MAX_ERROR_CHARS = 500
_MAX_SEQ = 2**63 - 1


def _seq(value: Any) -> int:
    # A cursor is the caller's text: only a bigint the sequence could have made.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= _MAX_SEQ:
        raise ValueError("not a position in the listing")
    return value


# Newest first; the sequence alone is unique, so it is the whole key.
NEWEST_FIRST = (SortColumn(NotificationRow.seq.expression, descending=True, parse=_seq),)


def sort_key(row: NotificationRow) -> list[Any]:
    return [row.seq]


async def insert_messages(session: AsyncSession, messages: Sequence[dict[str, Any]]) -> int:
    """Insert messages, skipping any (event, channel) already recorded; how many were new."""
    if not messages:
        return 0
    inserted = await session.scalars(
        insert(NotificationRow)
        .values([{"id": uuid.uuid4(), **message} for message in messages])
        .on_conflict_do_nothing(index_elements=[NotificationRow.event_id, NotificationRow.channel])
        .returning(NotificationRow.id)
    )
    return len(list(inserted))


async def pages_of_users(
    session: AsyncSession, user_ids: Sequence[uuid.UUID], limit: int, after_key: list[Any] | None
) -> list[NotificationRow]:
    """Up to `limit` messages of each user, newest first, after the cursor's key:
    one statement for all of them (a LATERAL look-up per user on its index)."""
    wanted = values(column("user_id", UUID), name="wanted").data([(u,) for u in user_ids])
    per_user = select(NotificationRow).where(NotificationRow.user_id == wanted.c.user_id)
    if after_key is not None:
        per_user = per_user.where(after(NEWEST_FIRST, after_key))
    page = (
        per_user.order_by(*(sort.order_by() for sort in NEWEST_FIRST)).limit(limit).lateral("page")
    )
    row = aliased(NotificationRow, page)
    statement = (
        select(row)
        .select_from(wanted)
        .join(page, true())
        .order_by(page.c.user_id, page.c.seq.desc())
    )
    return list(await session.scalars(statement))


async def counts_of_users(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    rows = await session.execute(
        select(NotificationRow.user_id, func.count())
        .where(NotificationRow.user_id.in_(user_ids))
        .group_by(NotificationRow.user_id)
    )
    return {user_id: count for user_id, count in rows}


async def claim_due(session: AsyncSession, now: datetime) -> NotificationRow | None:
    """The oldest message due for sending, locked until the transaction ends.

    SKIP LOCKED: a message another dispatcher is sending is not waited for, it
    is passed over, so two replicas never hold (or send) the same message.
    """
    statement = (
        select(NotificationRow)
        .where(
            NotificationRow.status == DeliveryStatus.QUEUED.value,
            or_(NotificationRow.next_attempt_at.is_(None), NotificationRow.next_attempt_at <= now),
        )
        .order_by(NotificationRow.next_attempt_at.asc().nulls_first(), NotificationRow.seq)
        .limit(1)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    return await session.scalar(statement)


async def settle(
    session: AsyncSession,
    notification_id: uuid.UUID,
    *,
    status: DeliveryStatus,
    attempts: int,
    recipient: str,
    sent_at: datetime | None = None,
    next_attempt_at: datetime | None = None,
    error: str | None = None,
) -> None:
    await session.execute(
        update(NotificationRow)
        .where(NotificationRow.id == notification_id)
        .values(
            status=status.value,
            attempts=attempts,
            recipient=recipient,
            sent_at=sent_at,
            next_attempt_at=next_attempt_at,
            last_error=error[:MAX_ERROR_CHARS] if error else None,
            updated_at=func.now(),
        )
    )
