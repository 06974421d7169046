"""All SQL of the accounts service."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.accounts.models import RefreshTokenRow, UserRow


async def users_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[UserRow]:
    result = await session.scalars(select(UserRow).where(UserRow.id.in_(ids)))
    return list(result)


async def user_by_email(session: AsyncSession, email: str) -> UserRow | None:
    return await session.scalar(select(UserRow).where(UserRow.email == email))


async def insert_user(
    session: AsyncSession, *, email: str, name: str, password_hash: str, roles: list[str]
) -> UserRow | None:
    """Insert a user; None when the e-mail is taken (decided by the unique index,
    so two concurrent registrations cannot both win)."""
    statement = (
        insert(UserRow)
        .values(id=uuid.uuid4(), email=email, name=name, password_hash=password_hash, roles=roles)
        .on_conflict_do_nothing(index_elements=[UserRow.email])
        .returning(UserRow)
    )
    return (await session.scalars(statement)).one_or_none()


async def insert_refresh_token(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    family_id: uuid.UUID,
    token_hash: str,
    expires_at: datetime,
) -> None:
    session.add(
        RefreshTokenRow(
            user_id=user_id, family_id=family_id, token_hash=token_hash, expires_at=expires_at
        )
    )
    await session.flush()
