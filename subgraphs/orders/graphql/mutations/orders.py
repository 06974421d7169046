"""cancelOrder and requestReturn (user: own orders)."""

from __future__ import annotations

import strawberry

from shared.errors import DomainError
from shared.graphql.errors import user_errors
from shared.graphql.ids import try_parse_id
from subgraphs.orders.graphql.common import OrdersInfo, services, signed_in_user
from subgraphs.orders.graphql.payloads import OrderPayload
from subgraphs.orders.graphql.types import Order
from subgraphs.orders.service.errors import not_found


@strawberry.type
class OrderMutations:
    @strawberry.mutation(
        description="(user) Cancel a paid order of yours before it ships: it is refunded and "
        "its stock released; cancelling it again changes nothing. userErrors: NOT_FOUND, "
        "INVALID_STATE, SERVICE_UNAVAILABLE."
    )
    async def cancel_order(self, info: OrdersInfo, id: strawberry.ID) -> OrderPayload:
        user_id = signed_in_user(info)
        order_id = try_parse_id(id)
        try:
            if order_id is None:
                raise not_found("order of yours", "id")
            row = await services(info).orders.cancel(user_id, order_id)
        except DomainError as error:
            return OrderPayload(user_errors=user_errors(error))
        return OrderPayload(order=Order.from_row(row))

    @strawberry.mutation(
        description="(user) Ask to return a delivered order of yours. userErrors: "
        "INVALID_INPUT (reason), NOT_FOUND, INVALID_STATE."
    )
    async def request_return(
        self, info: OrdersInfo, order_id: strawberry.ID, reason: str
    ) -> OrderPayload:
        user_id = signed_in_user(info)
        parsed = try_parse_id(order_id)
        try:
            if parsed is None:
                raise not_found("order of yours", "orderId")
            row = await services(info).orders.request_return(user_id, parsed, reason)
        except DomainError as error:
            return OrderPayload(user_errors=user_errors(error))
        return OrderPayload(order=Order.from_row(row))
