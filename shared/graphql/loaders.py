"""DataLoader helpers: batch functions return results in the order of the keys."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from typing import TypeVar

from aiodataloader import DataLoader

KeyT = TypeVar("KeyT", bound=Hashable)
ValueT = TypeVar("ValueT")


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
