"""Checkouts counted by how they ended, for `minishop_checkouts_total{outcome}`."""

from __future__ import annotations

from shared.errors import DomainError
from shared.observability.metrics import CHECKOUTS
from subgraphs.orders.models import OrderStatus
from subgraphs.orders.service.payment import CheckoutResult

# Made once: a label lookup per checkout would take the registry's lock.
_COUNTERS = {
    outcome: CHECKOUTS.labels(outcome) for outcome in ("paid", "declined", "out_of_stock", "failed")
}


def result_outcome(result: CheckoutResult) -> str:
    """paid, declined (the processor refused the card) or failed (anything else)."""
    if result.order is not None and result.order.status == OrderStatus.PAID and not result.error:
        return "paid"
    if result.error is not None and result.error.code == "PAYMENT_DECLINED":
        return "declined"
    return "failed"


def error_outcome(error: BaseException) -> str:
    if isinstance(error, DomainError) and error.code == "OUT_OF_STOCK":
        return "out_of_stock"
    return "failed"


def count_checkout(outcome: str) -> None:
    _COUNTERS[outcome].inc()
