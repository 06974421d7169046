"""SQL on partner API clients."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.keyset import keyset_page, newest_first, newest_first_key
from subgraphs.accounts.models import ApiClientRow

# Newest first, like the user list; served by ix_api_clients_created_at_id.
CLIENT_ORDER = newest_first(ApiClientRow.created_at.expression, ApiClientRow.id.expression)


async def insert_client(session: AsyncSession, client: ApiClientRow) -> ApiClientRow:
    session.add(client)
    await session.flush()
    await session.refresh(client)
    return client


async def client_by_client_id(session: AsyncSession, client_id: str) -> ApiClientRow | None:
    return await session.scalar(select(ApiClientRow).where(ApiClientRow.client_id == client_id))


async def lock_client(session: AsyncSession, id: uuid.UUID) -> ApiClientRow | None:
    return await session.scalar(select(ApiClientRow).where(ApiClientRow.id == id).with_for_update())


async def list_clients(
    session: AsyncSession, *, limit: int, after_key: Sequence[Any] | None
) -> list[ApiClientRow]:
    """A page of clients, newest first; ValueError when `after_key` does not fit."""
    statement = keyset_page(select(ApiClientRow), CLIENT_ORDER, after_key, limit)
    return list(await session.scalars(statement))


async def count_clients(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(ApiClientRow)) or 0)


def client_sort_key(row: ApiClientRow) -> list[Any]:
    return newest_first_key(row.created_at, row.id)
