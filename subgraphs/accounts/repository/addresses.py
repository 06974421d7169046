"""SQL on users' addresses. Callers lock the owner's row first (`lock_user`),
so the count and the single default are decided one request at a time."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.accounts.models import AddressRow


async def addresses_of_users(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> list[AddressRow]:
    """Every address of these users, each user's oldest first."""
    statement = (
        select(AddressRow)
        .where(AddressRow.user_id.in_(user_ids))
        .order_by(AddressRow.user_id, AddressRow.created_at, AddressRow.id)
    )
    return list(await session.scalars(statement))


async def address_of_user(
    session: AsyncSession, address_id: uuid.UUID, user_id: uuid.UUID
) -> AddressRow | None:
    """The address if it belongs to the user; another user's is not found."""
    return await session.scalar(
        select(AddressRow).where(AddressRow.id == address_id, AddressRow.user_id == user_id)
    )


async def count_addresses(session: AsyncSession, user_id: uuid.UUID) -> int:
    statement = select(func.count()).select_from(AddressRow).where(AddressRow.user_id == user_id)
    return int(await session.scalar(statement) or 0)


async def clear_default(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(
        update(AddressRow)
        .where(AddressRow.user_id == user_id, AddressRow.is_default)
        .values(is_default=False)
    )


async def insert_address(session: AsyncSession, address: AddressRow) -> AddressRow:
    session.add(address)
    await session.flush()
    await session.refresh(address)
    return address


async def delete_address(session: AsyncSession, address: AddressRow) -> None:
    await session.delete(address)
    await session.flush()


async def promote_oldest(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Make the user's oldest address the default (after the default was removed)."""
    oldest = (
        select(AddressRow.id)
        .where(AddressRow.user_id == user_id)
        .order_by(AddressRow.created_at, AddressRow.id)
        .limit(1)
        .scalar_subquery()
    )
    await session.execute(update(AddressRow).where(AddressRow.id == oldest).values(is_default=True))
