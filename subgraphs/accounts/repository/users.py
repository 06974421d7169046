"""SQL on users: look-ups, registration, locking, and the admin listing."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Role
from shared.db.keyset import keyset_page, newest_first, newest_first_key
from shared.db.like import ESCAPE, containing
from subgraphs.accounts.models import UserRow

# Served by ix_users_created_at_id.
USER_ORDER = newest_first(UserRow.created_at.expression, UserRow.id.expression)


async def users_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[UserRow]:
    result = await session.scalars(select(UserRow).where(UserRow.id.in_(ids)))
    return list(result)


async def user_by_email(session: AsyncSession, email: str) -> UserRow | None:
    return await session.scalar(select(UserRow).where(UserRow.email == email))


async def lock_user(session: AsyncSession, user_id: uuid.UUID) -> UserRow | None:
    """The user row, locked until the transaction ends: changes to one user's
    credentials, profile or addresses then happen one at a time."""
    return await session.scalar(select(UserRow).where(UserRow.id == user_id).with_for_update())


async def lock_admins(session: AsyncSession) -> set[uuid.UUID]:
    """The ids of the users who hold ADMIN, their rows locked in id order until the
    transaction ends (one order for every caller, so two of them cannot deadlock).

    A row another transaction demotes meanwhile is read again once it commits and
    drops out, so the answer is the admins as they stand after that commit.
    """
    statement = (
        select(UserRow.id)
        .where(UserRow.roles.any_() == Role.ADMIN.value)
        .order_by(UserRow.id)
        .with_for_update()
    )
    return set(await session.scalars(statement))


async def email_in_use(session: AsyncSession, email: str, *, other_than: uuid.UUID) -> bool:
    found = await session.scalar(
        select(UserRow.id).where(UserRow.email == email, UserRow.id != other_than)
    )
    return found is not None


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


def _matching(search: str | None) -> list[ColumnElement[bool]]:
    if not search:
        return []
    pattern = containing(search)
    return [
        or_(
            UserRow.email.ilike(pattern, escape=ESCAPE),
            UserRow.name.ilike(pattern, escape=ESCAPE),
        )
    ]


async def list_users(
    session: AsyncSession, *, search: str | None, limit: int, after_key: Sequence[Any] | None
) -> list[UserRow]:
    """A page of users, newest first, whose e-mail or name contains `search`.

    Raises ValueError when `after_key` is not a key of this listing.
    """
    statement = keyset_page(select(UserRow).where(*_matching(search)), USER_ORDER, after_key, limit)
    return list(await session.scalars(statement))


async def count_users(session: AsyncSession, *, search: str | None) -> int:
    statement = select(func.count()).select_from(UserRow).where(*_matching(search))
    return int(await session.scalar(statement) or 0)


def user_sort_key(row: UserRow) -> list[Any]:
    return newest_first_key(row.created_at, row.id)
