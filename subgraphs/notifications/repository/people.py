"""Contacts and preferences: what the service knows of each user."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.notifications.models import ContactRow, PreferencesRow


async def upsert_contact(session: AsyncSession, user_id: uuid.UUID, email: str, name: str) -> None:
    statement = insert(ContactRow).values(user_id=user_id, email=email, name=name)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[ContactRow.user_id],
            set_={"email": email, "name": name, "updated_at": func.now()},
        )
    )


async def contact_of(session: AsyncSession, user_id: uuid.UUID) -> ContactRow | None:
    # Read afresh: an upsert earlier in this transaction bypassed the session.
    return await session.scalar(
        select(ContactRow)
        .where(ContactRow.user_id == user_id)
        .execution_options(populate_existing=True)
    )


async def preferences_of(session: AsyncSession, user_id: uuid.UUID) -> PreferencesRow | None:
    return await session.scalar(
        select(PreferencesRow)
        .where(PreferencesRow.user_id == user_id)
        .execution_options(populate_existing=True)
    )


async def preferences_of_users(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> list[PreferencesRow]:
    rows = await session.scalars(select(PreferencesRow).where(PreferencesRow.user_id.in_(user_ids)))
    return list(rows)


async def lock_preferences(session: AsyncSession, user_id: uuid.UUID) -> PreferencesRow:
    """The user's preferences, created with the defaults if need be, locked
    until the transaction ends (concurrent updates apply one after the other)."""
    await session.execute(
        insert(PreferencesRow)
        .values(user_id=user_id, email_enabled=True, sms_enabled=False, phone=None)
        .on_conflict_do_nothing(index_elements=[PreferencesRow.user_id])
    )
    row = await session.scalar(
        select(PreferencesRow)
        .where(PreferencesRow.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert row is not None  # inserted above or already there; rows are never deleted
    return row
