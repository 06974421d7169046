"""Every stock change goes through here: counters, audit row and event together.

Callers hold the products' row locks (taken in id order) and the transaction;
this applies the deltas, writes one `stock_movements` row and one
`StockChanged` event per product, all in that transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import record_event
from shared.events.contracts import StockChanged
from subgraphs.catalog import repository
from subgraphs.catalog.models import ProductRow


class MovementKind(StrEnum):
    INITIAL = "INITIAL"  # stock a product was created with
    ADJUSTED = "ADJUSTED"  # an admin counted, received or wrote off units
    RESERVED = "RESERVED"  # held for an order
    COMMITTED = "COMMITTED"  # the order was paid: held units left the shelf
    RELEASED = "RELEASED"  # a hold was given back
    EXPIRED = "EXPIRED"  # a hold ran out
    RESTOCKED = "RESTOCKED"  # a paid order was cancelled: its units came back


@dataclass(frozen=True, slots=True)
class StockChange:
    product: ProductRow
    delta_on_hand: int = 0
    delta_reserved: int = 0


def user_actor(user_id: str) -> str:
    return f"user:{user_id}"


def service_actor(name: str) -> str:
    return f"service:{name}"


EXPIRY_ACTOR = "system:reservation-expiry"


async def apply(
    session: AsyncSession,
    changes: Sequence[StockChange],
    *,
    kind: MovementKind,
    reason: str,
    actor: str,
    order_id: uuid.UUID | None = None,
) -> None:
    movements = []
    for change in changes:
        product = change.product
        product.stock_on_hand += change.delta_on_hand
        product.stock_reserved += change.delta_reserved
        movements.append(
            {
                "product_id": product.id,
                "kind": kind.value,
                "delta_on_hand": change.delta_on_hand,
                "delta_reserved": change.delta_reserved,
                "on_hand_after": product.stock_on_hand,
                "reserved_after": product.stock_reserved,
                "reason": reason,
                "actor": actor,
                "order_id": order_id,
            }
        )
    # The table's CHECKs (reserved >= 0, on hand >= reserved) are the last wall
    # against overselling, should a rule above ever be wrong.
    await session.flush()
    await repository.add_movements(session, movements)
    for change in changes:
        product = change.product
        await record_event(
            session,
            StockChanged(
                product_id=product.id,
                sku=product.sku,
                kind=kind.value,
                delta_on_hand=change.delta_on_hand,
                delta_reserved=change.delta_reserved,
                on_hand=product.stock_on_hand,
                reserved=product.stock_reserved,
                available=product.stock_available,
                reason=reason,
                order_id=order_id,
            ),
        )
