"""Request-scoped DataLoaders of the accounts service: one SQL statement per batch."""

from __future__ import annotations

from aiodataloader import DataLoader

from shared.graphql.context import RequestContext
from shared.graphql.loaders import many_per_key, one_per_key
from subgraphs.accounts import repository


def user_by_id_loader(context: RequestContext) -> DataLoader:
    """UserByIdLoader: one query for every user id asked for in a tick."""
    return one_per_key(context, repository.users_by_ids, lambda row: row.id)


def addresses_by_user_id_loader(context: RequestContext) -> DataLoader:
    """AddressesByUserIdLoader: the address books of many users in one query."""
    return many_per_key(context, repository.addresses_of_users, lambda row: row.user_id)
