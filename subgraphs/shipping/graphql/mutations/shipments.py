"""Admin mutations on shipments."""

from __future__ import annotations

import strawberry

from shared.errors import DomainError
from shared.graphql.errors import user_errors
from subgraphs.shipping.graphql.payloads import ShipmentPayload
from subgraphs.shipping.graphql.types import Shipment, ShipmentStatus, ShippingInfo
from subgraphs.shipping.models import ShipmentStatus as StoredStatus
from subgraphs.shipping.service import ShippingServices


@strawberry.type
class ShipmentMutations:
    @strawberry.mutation(
        description="(admin) Hand a paid order's pending shipment to a carrier: it becomes "
        "SHIPPED (ShipmentShipped). userErrors: INVALID_INPUT (carrier or tracking number "
        "empty, too long or with control characters; a tracking number is letters, digits "
        "and dashes), NOT_FOUND (the order has no shipment), INVALID_STATE (not PENDING), "
        "TRACKING_NUMBER_TAKEN."
    )
    async def ship_order(
        self, info: ShippingInfo, order_id: strawberry.ID, carrier: str, tracking_number: str
    ) -> ShipmentPayload:
        info.context.require_admin()
        shipments = info.context.parts_as(ShippingServices).shipments
        try:
            row = await shipments.ship(order_id, carrier, tracking_number)
        except DomainError as error:
            return ShipmentPayload(user_errors=user_errors(error))
        return ShipmentPayload(shipment=Shipment.from_row(row))

    @strawberry.mutation(
        description="(admin) Move a shipment on: SHIPPED → IN_TRANSIT → DELIVERED, SHIPPED → "
        "DELIVERED, DELIVERED → RETURNED; each change is a tracking event (with "
        "`description`, or a standard text). DELIVERED and RETURNED are announced "
        "(ShipmentDelivered, ShipmentReturned). userErrors: INVALID_INPUT, NOT_FOUND, "
        "INVALID_STATE (any other move: a pending shipment ships through shipOrder and is "
        "cancelled only with its order)."
    )
    async def update_shipment_status(
        self,
        info: ShippingInfo,
        shipment_id: strawberry.ID,
        status: ShipmentStatus,
        description: str | None = None,
    ) -> ShipmentPayload:
        info.context.require_admin()
        shipments = info.context.parts_as(ShippingServices).shipments
        try:
            row = await shipments.update_status(
                shipment_id, StoredStatus(status.value), description
            )
        except DomainError as error:
            return ShipmentPayload(user_errors=user_errors(error))
        return ShipmentPayload(shipment=Shipment.from_row(row))
