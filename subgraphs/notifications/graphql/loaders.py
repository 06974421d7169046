"""Request-scoped DataLoaders of the notifications service: one SQL statement per batch
(per distinct page size and cursor, for pages)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from aiodataloader import DataLoader

from shared.db.reading import reading
from shared.graphql.context import RequestContext
from shared.graphql.loaders import batch_loader, grouped, one_per_key
from subgraphs.notifications import repository
from subgraphs.notifications.models import NotificationRow

# (user, page size + 1, the cursor's key as a tuple or None)
PageKey = tuple[uuid.UUID, int, tuple[Any, ...] | None]


def notification_pages_loader(context: RequestContext) -> DataLoader:
    """NotificationPagesByUserLoader: pages of many users' messages, one
    statement per distinct (size, cursor) asked for in a tick."""

    async def load(keys: Sequence[PageKey]) -> list[list[NotificationRow]]:
        wanted: dict[tuple[int, tuple[Any, ...] | None], list[uuid.UUID]] = defaultdict(list)
        for user_id, limit, after_key in keys:
            wanted[(limit, after_key)].append(user_id)
        pages: dict[PageKey, list[NotificationRow]] = {}
        async with reading(context.db) as session:
            for (limit, after_key), user_ids in wanted.items():
                rows = await repository.pages_of_users(
                    session, user_ids, limit, list(after_key) if after_key else None
                )
                for user_id, group in zip(
                    user_ids, grouped(user_ids, rows, lambda row: row.user_id), strict=True
                ):
                    pages[(user_id, limit, after_key)] = group
        return [pages[key] for key in keys]

    return batch_loader(load)


def notification_count_loader(context: RequestContext) -> DataLoader:
    """NotificationCountByUserIdLoader: how many messages each user has, in one query."""

    async def load(user_ids: Sequence[uuid.UUID]) -> list[int]:
        async with reading(context.db) as session:
            counts = await repository.counts_of_users(session, user_ids)
        return [counts.get(user_id, 0) for user_id in user_ids]

    return batch_loader(load)


def preferences_by_user_id_loader(context: RequestContext) -> DataLoader:
    """PreferencesByUserIdLoader: many users' preferences in one query (None: defaults)."""
    return one_per_key(context, repository.preferences_of_users, lambda row: row.user_id)
