"""SQL on partner API clients."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.keyset import SortColumn, after, parse_key
from subgraphs.accounts.models import ApiClientRow

# Newest first, like the user list; served by ix_api_clients_created_at_id.
CLIENT_ORDER = (
    SortColumn(ApiClientRow.created_at.expression, descending=True, parse=datetime.fromisoformat),
    SortColumn(
        ApiClientRow.id.expression, descending=True, parse=lambda value: uuid.UUID(str(value))
    ),
)


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
    conditions = []
    if after_key is not None:
        conditions.append(after(CLIENT_ORDER, parse_key(CLIENT_ORDER, after_key)))
    statement = (
        select(ApiClientRow)
        .where(*conditions)
        .order_by(*(column.order_by() for column in CLIENT_ORDER))
        .limit(limit)
    )
    return list(await session.scalars(statement))


async def count_clients(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(ApiClientRow)) or 0)


def client_sort_key(row: ApiClientRow) -> list[Any]:
    return [row.created_at.isoformat(), str(row.id)]
