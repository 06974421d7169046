"""Shipping queries."""

from __future__ import annotations

import strawberry

from shared.graphql.cost import at_most
from subgraphs.shipping.graphql.types import (
    Shipment,
    ShippingInfo,
    ShippingMethod,
    visible_shipment,
)
from subgraphs.shipping.service import ShippingServices

METHODS_AT_MOST = 5


@strawberry.type
class Query:
    @strawberry.field(
        description="The ways an order can be shipped, with their price.",
        directives=[at_most(METHODS_AT_MOST)],
    )
    def shipping_methods(self, info: ShippingInfo) -> list[ShippingMethod]:
        methods = info.context.parts_as(ShippingServices).methods
        return [ShippingMethod.from_method(method) for method in methods.all()]

    @strawberry.field(
        description="(user: own) (admin) (partner: shipping:read) A shipment by its "
        "tracking number (compared without case); null for anyone else."
    )
    async def shipment(self, info: ShippingInfo, tracking_number: str) -> Shipment | None:
        shipments = info.context.parts_as(ShippingServices).shipments
        return visible_shipment(info, await shipments.by_tracking_number(tracking_number))
