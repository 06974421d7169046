"""DataLoader helpers: batch functions return results in the order of the keys.

Most loaders are one statement per batch of keys: `one_per_key` (an entity by
its id) and `many_per_key` (the rows of many parents), reading in autocommit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from typing import TypeVar

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from shared.db.reading import reading, reading_rows
from shared.graphql.context import RequestContext

KeyT = TypeVar("KeyT", bound=Hashable)
ValueT = TypeVar("ValueT")

# A repository read: the rows of these keys, in any order, in one statement.
Fetch = Callable[[AsyncSession, Sequence[KeyT]], Awaitable[Iterable[ValueT]]]
RowFetch = Callable[[AsyncConnection, Sequence[KeyT]], Awaitable[Iterable[ValueT]]]


def by_key(
    keys: Sequence[KeyT], rows: Iterable[ValueT], key_of: Callable[[ValueT], KeyT]
) -> list[ValueT | None]:
    """Order `rows` like `keys`, with None where no row matched."""
    found = {key_of(row): row for row in rows}
    return [found.get(key) for key in keys]


def grouped(
    keys: Sequence[KeyT], rows: Iterable[ValueT], key_of: Callable[[ValueT], KeyT]
) -> list[list[ValueT]]:
    """Group `rows` under `keys` (for one-to-many loaders)."""
    groups: dict[KeyT, list[ValueT]] = {key: [] for key in keys}
    for row in rows:
        groups.setdefault(key_of(row), []).append(row)
    return [groups[key] for key in keys]


def batch_loader(
    load: Callable[[Sequence[KeyT]], Awaitable[list[ValueT]]],
) -> DataLoader:
    """A DataLoader around an async batch function (one call per tick of requests)."""

    async def batch(keys: list[KeyT]) -> list[ValueT]:
        return await load(keys)

    return DataLoader(batch_load_fn=batch, max_batch_size=500)


def one_per_key(
    context: RequestContext,
    fetch: Fetch[KeyT, ValueT],
    key_of: Callable[[ValueT], KeyT],
) -> DataLoader:
    """A loader of the row of each key (None where there is none)."""

    async def load(keys: Sequence[KeyT]) -> list[ValueT | None]:
        async with reading(context.db) as session:
            rows = await fetch(session, keys)
        return by_key(keys, rows, key_of)

    return batch_loader(load)


def one_row_per_key(
    context: RequestContext,
    fetch: RowFetch[KeyT, ValueT],
    key_of: Callable[[ValueT], KeyT],
) -> DataLoader:
    """`one_per_key` for Core reads of plain rows, with no ORM session at all."""

    async def load(keys: Sequence[KeyT]) -> list[ValueT | None]:
        async with reading_rows(context.db) as connection:
            rows = await fetch(connection, keys)
        return by_key(keys, rows, key_of)

    return batch_loader(load)


def many_per_key(
    context: RequestContext,
    fetch: Fetch[KeyT, ValueT],
    key_of: Callable[[ValueT], KeyT],
) -> DataLoader:
    """A loader of the rows of each key, in the order `fetch` returns them."""

    async def load(keys: Sequence[KeyT]) -> list[list[ValueT]]:
        async with reading(context.db) as session:
            rows = await fetch(session, keys)
        return grouped(keys, rows, key_of)

    return batch_loader(load)
