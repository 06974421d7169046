"""The order status machine: the one place that says which changes are legal.

    PENDING_PAYMENT  -> PAID | PAYMENT_FAILED
    PAID             -> SHIPPED | CANCELLED | REFUNDED
    SHIPPED          -> DELIVERED | REFUNDED
    DELIVERED        -> RETURN_REQUESTED | REFUNDED
    RETURN_REQUESTED -> REFUNDED

Every change goes through `transition`, which also appends the status-history
row in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.orders import repository
from subgraphs.orders.models import OrderRow, OrderStatus
from subgraphs.orders.service.errors import invalid_state

S = OrderStatus

ALLOWED: Mapping[OrderStatus, frozenset[OrderStatus]] = {
    S.PENDING_PAYMENT: frozenset({S.PAID, S.PAYMENT_FAILED}),
    S.PAID: frozenset({S.SHIPPED, S.CANCELLED, S.REFUNDED}),
    S.SHIPPED: frozenset({S.DELIVERED, S.REFUNDED}),
    S.DELIVERED: frozenset({S.RETURN_REQUESTED, S.REFUNDED}),
    S.RETURN_REQUESTED: frozenset({S.REFUNDED}),
    S.PAYMENT_FAILED: frozenset(),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}

_LABEL = {status: status.value.replace("_", " ").lower() for status in OrderStatus}


def can_transition(current: OrderStatus, target: OrderStatus) -> bool:
    return target in ALLOWED[current]


def reachable(current: OrderStatus, target: OrderStatus) -> bool:
    """Whether `target` lies ahead of `current` (through any legal changes)."""
    seen: set[OrderStatus] = set()
    frontier = [current]
    while frontier:
        status = frontier.pop()
        for following in ALLOWED[status]:
            if following == target:
                return True
            if following not in seen:
                seen.add(following)
                frontier.append(following)
    return False


def check_transition(current: OrderStatus, target: OrderStatus) -> None:
    """INVALID_STATE unless `current -> target` is a legal change."""
    if not can_transition(current, target):
        raise invalid_state(f"An order that is {_LABEL[current]} cannot become {_LABEL[target]}.")


async def transition(
    session: AsyncSession, order: OrderRow, target: OrderStatus, note: str | None = None
) -> None:
    """Move the (locked) order to `target` and record it in its history."""
    check_transition(OrderStatus(order.status), target)
    order.status = target.value
    await repository.add_status_change(session, order.id, target, note)
    await session.flush()


async def record_created(session: AsyncSession, order: OrderRow, note: str | None = None) -> None:
    """The first history row of a new order (its initial status)."""
    await repository.add_status_change(session, order.id, OrderStatus(order.status), note)
