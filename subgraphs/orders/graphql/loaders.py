"""Request-scoped DataLoaders of the orders service: one SQL statement per batch."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from aiodataloader import DataLoader

from shared.graphql.context import RequestContext
from shared.graphql.loaders import batch_loader, by_key, grouped
from subgraphs.orders import repository
from subgraphs.orders.models import OrderItemRow, OrderRow, OrderStatusChangeRow


def order_by_id_loader(context: RequestContext) -> DataLoader:
    """OrderByIdLoader."""

    async def load(ids: Sequence[uuid.UUID]) -> list[OrderRow | None]:
        async with context.db() as session:
            rows = await repository.orders_by_ids(session, ids)
        return by_key(ids, rows, lambda row: row.id)

    return batch_loader(load)


def items_by_order_id_loader(context: RequestContext) -> DataLoader:
    """ItemsByOrderIdLoader: the lines of many orders, in their order."""

    async def load(ids: Sequence[uuid.UUID]) -> list[list[OrderItemRow]]:
        async with context.db() as session:
            rows = await repository.items_of_orders(session, ids)
        return grouped(ids, rows, lambda row: row.order_id)

    return batch_loader(load)


def status_changes_by_order_id_loader(context: RequestContext) -> DataLoader:
    """StatusChangesByOrderIdLoader: the histories of many orders, oldest first."""

    async def load(ids: Sequence[uuid.UUID]) -> list[list[OrderStatusChangeRow]]:
        async with context.db() as session:
            rows = await repository.status_changes_of_orders(session, ids)
        return grouped(ids, rows, lambda row: row.order_id)

    return batch_loader(load)
