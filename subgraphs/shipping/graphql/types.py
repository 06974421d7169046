"""GraphQL types of the shipping service, built explicitly from rows and methods.

A shipment is its buyer's and the admins' to see, and partners' holding
`shipping:read` when they ask for it (by tracking number or reference); for
anyone else it resolves to null. An order's shipment is shown to its buyer and
the admins only.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from shared.auth.principal import Principal
from shared.graphql.context import RequestContext
from shared.graphql.cost import at_most
from shared.graphql.ids import try_parse_id
from shared.graphql.money import Money, money
from shared.validation import parse_uuid
from subgraphs.shipping.graphql.loaders import (
    events_by_shipment_id_loader,
    shipment_by_id_loader,
    shipment_by_order_id_loader,
)
from subgraphs.shipping.models import ShipmentRow, TrackingEventRow
from subgraphs.shipping.service.methods import ShippingMethod as Method

TRACKING_EVENTS_AT_MOST = 20

ShippingInfo = Info[RequestContext, None]
PARTNER_SCOPE = "shipping:read"


@strawberry.enum
class ShipmentStatus(Enum):
    PENDING = "PENDING"
    SHIPPED = "SHIPPED"
    IN_TRANSIT = "IN_TRANSIT"
    DELIVERED = "DELIVERED"
    RETURNED = "RETURNED"
    CANCELLED = "CANCELLED"


def may_see(principal: Principal | None, row: ShipmentRow, *, partners: bool) -> bool:
    """The buyer, an admin, or (with `partners`) a partner holding shipping:read."""
    if principal is None:
        return False
    if principal.user_id is None:
        return partners and principal.has_scope(PARTNER_SCOPE)
    return principal.is_admin or parse_uuid(principal.user_id) == row.user_id


@strawberry.type
class ShippingMethod:
    code: str
    name: str
    price: Money
    estimated_days: int

    @classmethod
    def from_method(cls, method: Method) -> ShippingMethod:
        return cls(
            code=method.code,
            name=method.name,
            price=money(method.price),
            estimated_days=method.estimated_days,
        )


@strawberry.type
class TrackingEvent:
    status: ShipmentStatus
    description: str
    occurred_at: datetime

    @classmethod
    def from_row(cls, row: TrackingEventRow) -> TrackingEvent:
        return cls(
            status=ShipmentStatus(row.status),
            description=row.description,
            occurred_at=row.occurred_at,
        )


@strawberry.federation.type(keys=["id"])
class Order:
    """An order (the orders service's); shipping adds its shipment."""

    id: strawberry.ID
    # The order's shipment row once looked up (None: it has none).
    row: strawberry.Private[ShipmentRow | None] = None
    looked_up: strawberry.Private[bool] = False

    @classmethod
    async def resolve_reference(cls, info: ShippingInfo, id: str) -> Order:
        order_id = try_parse_id(id)
        if order_id is None:
            return cls(id=strawberry.ID(id), looked_up=True)
        row = await info.context.loader(shipment_by_order_id_loader).load(order_id)
        return cls(id=strawberry.ID(id), row=row, looked_up=True)

    @strawberry.field(description="(user: own) (admin) Where the order's parcel is.")
    async def shipment(self, info: ShippingInfo) -> Shipment | None:
        row = self.row
        if not self.looked_up:
            order_id = try_parse_id(self.id)
            loader = info.context.loader(shipment_by_order_id_loader)
            row = await loader.load(order_id) if order_id else None
        if row is None or not may_see(info.context.principal, row, partners=False):
            return None
        return Shipment.from_row(row)


@strawberry.federation.type(keys=["id"])
class Shipment:
    id: strawberry.ID
    order: Order
    status: ShipmentStatus
    carrier: str | None
    tracking_number: str | None
    created_at: datetime
    updated_at: datetime
    row: strawberry.Private[ShipmentRow]

    @classmethod
    def from_row(cls, row: ShipmentRow) -> Shipment:
        return cls(
            id=strawberry.ID(str(row.id)),
            order=Order(id=strawberry.ID(str(row.order_id)), row=row, looked_up=True),
            status=ShipmentStatus(row.status),
            carrier=row.carrier,
            tracking_number=row.tracking_number,
            created_at=row.created_at,
            updated_at=row.updated_at,
            row=row,
        )

    @classmethod
    async def resolve_reference(cls, info: ShippingInfo, id: str) -> Shipment | None:
        shipment_id = try_parse_id(id)
        if shipment_id is None:
            return None
        row = await info.context.loader(shipment_by_id_loader).load(shipment_id)
        return visible_shipment(info, row)

    @strawberry.field(
        description="Every change of status, oldest first.",
        directives=[at_most(TRACKING_EVENTS_AT_MOST)],
    )
    async def events(self, info: ShippingInfo) -> list[TrackingEvent]:
        rows = await info.context.loader(events_by_shipment_id_loader).load(self.row.id)
        return [TrackingEvent.from_row(row) for row in rows]


def visible_shipment(info: ShippingInfo, row: ShipmentRow | None) -> Shipment | None:
    """The shipment if the caller may see it, else None (its existence does not leak)."""
    if row is None or not may_see(info.context.principal, row, partners=True):
        return None
    return Shipment.from_row(row)
