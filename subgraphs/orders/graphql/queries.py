"""Orders queries."""

from __future__ import annotations

import strawberry

from shared.graphql.cost import PAGE
from shared.graphql.ids import parse_id
from shared.graphql.pagination import Connection, build_connection, page_size
from subgraphs.orders import models, repository
from subgraphs.orders.graphql.common import (
    OrdersInfo,
    after_key,
    cursor_error,
    may_see,
    services,
)
from subgraphs.orders.graphql.loaders import order_by_id_loader
from subgraphs.orders.graphql.types import Order, OrderStatus


@strawberry.type
class Query:
    @strawberry.field(
        description="(user) One of your orders; admins any. Null for someone else's or none."
    )
    async def order(self, info: OrdersInfo, id: strawberry.ID) -> Order | None:
        info.context.require_user()
        row = await info.context.loader(order_by_id_loader).load(parse_id(id))
        return Order.from_row(row) if row is not None and may_see(info, row) else None

    @strawberry.field(
        description="(admin) Every order, newest first, optionally of one status.",
        directives=[PAGE],
    )
    async def orders(
        self,
        info: OrdersInfo,
        first: int | None = 20,
        after: str | None = None,
        status: OrderStatus | None = None,
    ) -> Connection[Order]:
        info.context.require_admin()
        size = page_size(first)
        key = after_key(after)
        wanted = models.OrderStatus(status.value) if status is not None else None
        orders = services(info).orders
        try:
            rows = await orders.page(user_id=None, status=wanted, limit=size + 1, after_key=key)
        except ValueError as exc:
            raise cursor_error() from exc
        return build_connection(
            rows,
            size=size,
            to_node=Order.from_row,
            sort_key=repository.order_sort_key,
            has_previous=after is not None,
            count_total=lambda: orders.count(user_id=None, status=wanted),
        )
