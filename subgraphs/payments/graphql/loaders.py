"""Request-scoped DataLoaders of the payments service: one SQL statement per batch."""

from __future__ import annotations

from aiodataloader import DataLoader

from shared.graphql.context import RequestContext
from shared.graphql.loaders import many_per_key, one_per_key
from subgraphs.payments import repository


def payment_by_id_loader(context: RequestContext) -> DataLoader:
    """PaymentByIdLoader: one query for every payment id asked for in a tick."""
    return one_per_key(context, repository.payments_by_ids, lambda row: row.id)


def payments_by_order_id_loader(context: RequestContext) -> DataLoader:
    """PaymentsByOrderIdLoader: the payments of many orders in one query."""
    return many_per_key(context, repository.payments_of_orders, lambda row: row.order_id)


def refunds_by_payment_id_loader(context: RequestContext) -> DataLoader:
    """RefundsByPaymentIdLoader: the refunds of a list of payments in one query."""
    return many_per_key(context, repository.refunds_of_payments, lambda row: row.payment_id)
