"""Request-scoped DataLoaders of the accounts service."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from aiodataloader import DataLoader

from shared.graphql.context import RequestContext
from shared.graphql.loaders import batch_loader, by_key, grouped
from subgraphs.accounts import repository
from subgraphs.accounts.models import AddressRow, UserRow


def user_by_id_loader(context: RequestContext) -> DataLoader:
    """UserByIdLoader: one query for every user id asked for in a tick."""

    async def load(ids: Sequence[uuid.UUID]) -> list[UserRow | None]:
        async with context.db() as session:
            rows = await repository.users_by_ids(session, ids)
        return by_key(ids, rows, lambda row: row.id)

    return batch_loader(load)


def addresses_by_user_id_loader(context: RequestContext) -> DataLoader:
    """AddressesByUserIdLoader: the address books of many users in one query."""

    async def load(user_ids: Sequence[uuid.UUID]) -> list[list[AddressRow]]:
        async with context.db() as session:
            rows = await repository.addresses_of_users(session, user_ids)
        return grouped(user_ids, rows, lambda row: row.user_id)

    return batch_loader(load)
