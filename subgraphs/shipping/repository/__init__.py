"""All SQL of the shipping service."""

from subgraphs.shipping.repository.shipments import (
    add_tracking_event,
    events_of_shipments,
    insert_shipment_once,
    lock_shipment,
    lock_shipment_of_order,
    shipment_by_tracking_number,
    shipments_by_ids,
    shipments_of_orders,
    tracking_number_taken,
)

__all__ = [
    "add_tracking_event",
    "events_of_shipments",
    "insert_shipment_once",
    "lock_shipment",
    "lock_shipment_of_order",
    "shipment_by_tracking_number",
    "shipments_by_ids",
    "shipments_of_orders",
    "tracking_number_taken",
]
