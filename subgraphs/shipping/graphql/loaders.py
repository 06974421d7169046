"""Request-scoped DataLoaders of the shipping service."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from aiodataloader import DataLoader

from shared.graphql.context import RequestContext
from shared.graphql.loaders import batch_loader, by_key, grouped
from subgraphs.shipping import repository
from subgraphs.shipping.models import ShipmentRow, TrackingEventRow


def shipment_by_id_loader(context: RequestContext) -> DataLoader:
    """ShipmentByIdLoader: one query for every shipment id asked for in a tick."""

    async def load(ids: Sequence[uuid.UUID]) -> list[ShipmentRow | None]:
        async with context.db() as session:
            rows = await repository.shipments_by_ids(session, ids)
        return by_key(ids, rows, lambda row: row.id)

    return batch_loader(load)


def shipment_by_order_id_loader(context: RequestContext) -> DataLoader:
    """ShipmentByOrderIdLoader: the shipments of many orders in one query (one each at most)."""

    async def load(order_ids: Sequence[uuid.UUID]) -> list[ShipmentRow | None]:
        async with context.db() as session:
            rows = await repository.shipments_of_orders(session, order_ids)
        return by_key(order_ids, rows, lambda row: row.order_id)

    return batch_loader(load)


def events_by_shipment_id_loader(context: RequestContext) -> DataLoader:
    """TrackingEventsByShipmentIdLoader: the histories of many shipments in one query."""

    async def load(shipment_ids: Sequence[uuid.UUID]) -> list[list[TrackingEventRow]]:
        async with context.db() as session:
            rows = await repository.events_of_shipments(session, shipment_ids)
        return grouped(shipment_ids, rows, lambda row: row.shipment_id)

    return batch_loader(load)
