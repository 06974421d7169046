"""Request-scoped DataLoaders of the shipping service: one SQL statement per batch."""

from __future__ import annotations

from aiodataloader import DataLoader

from shared.graphql.context import RequestContext
from shared.graphql.loaders import many_per_key, one_per_key
from subgraphs.shipping import repository


def shipment_by_id_loader(context: RequestContext) -> DataLoader:
    """ShipmentByIdLoader: one query for every shipment id asked for in a tick."""
    return one_per_key(context, repository.shipments_by_ids, lambda row: row.id)


def shipment_by_order_id_loader(context: RequestContext) -> DataLoader:
    """ShipmentByOrderIdLoader: the shipments of many orders in one query (one each at most)."""
    return one_per_key(context, repository.shipments_of_orders, lambda row: row.order_id)


def events_by_shipment_id_loader(context: RequestContext) -> DataLoader:
    """TrackingEventsByShipmentIdLoader: the histories of many shipments in one query."""
    return many_per_key(context, repository.events_of_shipments, lambda row: row.shipment_id)
