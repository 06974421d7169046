"""Mutation payloads: the result, or the reasons in `userErrors` (then nothing was written)."""

from __future__ import annotations

import strawberry

from shared.graphql.errors import UserError
from subgraphs.shipping.graphql.types import Shipment


@strawberry.type
class ShipmentPayload:
    shipment: Shipment | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
