"""Request-scoped DataLoaders of the orders service: one SQL statement per batch."""

from __future__ import annotations

from aiodataloader import DataLoader

from shared.graphql.context import RequestContext
from shared.graphql.loaders import many_per_key, one_per_key
from subgraphs.orders import repository


def order_by_id_loader(context: RequestContext) -> DataLoader:
    """OrderByIdLoader: one query for every order id asked for in a tick."""
    return one_per_key(context, repository.orders_by_ids, lambda row: row.id)


def items_by_order_id_loader(context: RequestContext) -> DataLoader:
    """ItemsByOrderIdLoader: the lines of many orders, in their order."""
    return many_per_key(context, repository.items_of_orders, lambda row: row.order_id)


def status_changes_by_order_id_loader(context: RequestContext) -> DataLoader:
    """StatusChangesByOrderIdLoader: the histories of many orders, oldest first."""
    return many_per_key(context, repository.status_changes_of_orders, lambda row: row.order_id)
