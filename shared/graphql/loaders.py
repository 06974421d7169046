"""DataLoader helpers: batch functions return results in the order of the keys.

Most loaders are one statement per batch of keys: `one_per_key` (an entity by
its id) and `many_per_key` (the rows of many parents), reading in autocommit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, TypeVar

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from shared.db.reading import reading, reading_rows
from shared.graphql.context import RequestContext

KeyT = TypeVar("KeyT", bound=Hashable)
ValueT = TypeVar("ValueT")
ReaderT = TypeVar("ReaderT")

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


def _one_statement(
    read: Callable[[], AbstractAsyncContextManager[ReaderT]],
    fetch: Callable[[ReaderT, Sequence[KeyT]], Awaitable[Iterable[ValueT]]],
    arrange: Callable[[Sequence[KeyT], Iterable[ValueT]], list[Any]],
) -> DataLoader:
    async def load(keys: Sequence[KeyT]) -> list[Any]:
        async with read() as reader:
            rows = await fetch(reader, keys)
        return arrange(keys, rows)

    return batch_loader(load)


def one_per_key(
    context: RequestContext,
    fetch: Fetch[KeyT, ValueT],
    key_of: Callable[[ValueT], KeyT],
) -> DataLoader:
    """A loader of the row of each key (None where there is none)."""
    return _one_statement(
        lambda: reading(context.db), fetch, lambda keys, rows: by_key(keys, rows, key_of)
    )


def one_row_per_key(
    context: RequestContext,
    fetch: RowFetch[KeyT, ValueT],
    key_of: Callable[[ValueT], KeyT],
) -> DataLoader:
    """`one_per_key` for Core reads of plain rows, with no ORM session at all."""
    return _one_statement(
        lambda: reading_rows(context.db), fetch, lambda keys, rows: by_key(keys, rows, key_of)
    )


def many_per_key(
    context: RequestContext,
    fetch: Fetch[KeyT, ValueT],
    key_of: Callable[[ValueT], KeyT],
) -> DataLoader:
    """A loader of the rows of each key, in the order `fetch` returns them."""
    return _one_statement(
        lambda: reading(context.db), fetch, lambda keys, rows: grouped(keys, rows, key_of)
    )
