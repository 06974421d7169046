"""Request-scoped DataLoaders of the payments service."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from aiodataloader import DataLoader

from shared.graphql.context import RequestContext
from shared.graphql.loaders import batch_loader, by_key, grouped
from subgraphs.payments import repository
from subgraphs.payments.models import PaymentRow, RefundRow


def payment_by_id_loader(context: RequestContext) -> DataLoader:
    """PaymentByIdLoader: one query for every payment id asked for in a tick."""

    async def load(ids: Sequence[uuid.UUID]) -> list[PaymentRow | None]:
        async with context.db() as session:
            rows = await repository.payments_by_ids(session, ids)
        return by_key(ids, rows, lambda row: row.id)

    return batch_loader(load)


def payments_by_order_id_loader(context: RequestContext) -> DataLoader:
    """PaymentsByOrderIdLoader: the payments of many orders in one query."""

    async def load(order_ids: Sequence[uuid.UUID]) -> list[list[PaymentRow]]:
        async with context.db() as session:
            rows = await repository.payments_of_orders(session, order_ids)
        return grouped(order_ids, rows, lambda row: row.order_id)

    return batch_loader(load)


def refunds_by_payment_id_loader(context: RequestContext) -> DataLoader:
    """RefundsByPaymentIdLoader: the refunds of a list of payments in one query."""

    async def load(payment_ids: Sequence[uuid.UUID]) -> list[list[RefundRow]]:
        async with context.db() as session:
            rows = await repository.refunds_of_payments(session, payment_ids)
        return grouped(payment_ids, rows, lambda row: row.payment_id)

    return batch_loader(load)
