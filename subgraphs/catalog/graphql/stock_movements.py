"""The stock audit trail as admins read it: `Product.stockMovements`, newest first."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from shared.graphql.context import RequestContext
from shared.graphql.errors import bad_user_input
from shared.graphql.pagination import Connection, build_connection, decode_cursor, page_size
from subgraphs.catalog.graphql.common import services
from subgraphs.catalog.models import StockMovementRow
from subgraphs.catalog.service.ledger import MovementKind

StockMovementKind = strawberry.enum(MovementKind, name="StockMovementKind")


@strawberry.type(description="One change to a product's stock: what, by whom, why.")
class StockMovement:
    kind: StockMovementKind  # type: ignore[valid-type]
    delta_on_hand: int
    delta_reserved: int
    on_hand_after: int
    reserved_after: int
    reason: str
    actor: str = strawberry.field(
        description="user:<id> for an admin, service:<name> for a service, system:<job>."
    )
    order_id: strawberry.ID | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: StockMovementRow) -> StockMovement:
        return cls(
            kind=MovementKind(row.kind),
            delta_on_hand=row.delta_on_hand,
            delta_reserved=row.delta_reserved,
            on_hand_after=row.on_hand_after,
            reserved_after=row.reserved_after,
            reason=row.reason,
            actor=row.actor,
            order_id=strawberry.ID(str(row.order_id)) if row.order_id else None,
            created_at=row.created_at,
        )


async def movements_page(
    info: Info[RequestContext, Any], product_id: uuid.UUID, first: int | None, after: str | None
) -> Connection[StockMovement]:
    size = page_size(first)
    before_id: int | None = None
    if after is not None:
        (raw,) = decode_cursor(after, 1)
        if not isinstance(raw, int):
            raise bad_user_input("`after` is not a cursor of this listing.", argument="after")
        before_id = raw
    browsing = services(info).browsing
    rows = await browsing.movements(product_id, size + 1, before_id)

    return build_connection(
        rows,
        size=size,
        to_node=StockMovement.from_row,
        sort_key=lambda row: [row.id],
        has_previous=after is not None,
        count_total=lambda: browsing.count_movements(product_id),
    )
