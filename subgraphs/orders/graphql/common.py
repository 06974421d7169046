"""What the orders resolvers share: the parts, the caller, who may see an order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from strawberry.types import Info

from shared.graphql.context import RequestContext
from shared.graphql.errors import bad_user_input, unauthenticated
from shared.graphql.ids import try_parse_id
from shared.graphql.pagination import decode_cursor
from subgraphs.orders.models import OrderRow
from subgraphs.orders.repository import ORDER_ORDER
from subgraphs.orders.service import OrdersServices

OrdersInfo = Info[RequestContext, None]


def services(info: OrdersInfo) -> OrdersServices:
    return info.context.parts_as(OrdersServices)


def signed_in_user(info: OrdersInfo) -> uuid.UUID:
    """The caller's user id; UNAUTHENTICATED for anonymous and partner callers."""
    principal = info.context.require_user()
    user_id = try_parse_id(principal.user_id or "")
    if user_id is None:
        raise unauthenticated("The access token does not name a user.")
    return user_id


def may_see(info: OrdersInfo, order: OrderRow) -> bool:
    """The buyer and admins see an order; nobody else learns it exists."""
    principal = info.context.principal
    if principal is None or principal.user_id is None:
        return False
    return principal.is_admin or principal.user_id == str(order.user_id)


def after_key(after: str | None) -> Sequence[Any] | None:
    return decode_cursor(after, len(ORDER_ORDER)) if after is not None else None


def cursor_error() -> Exception:
    return bad_user_input("`after` is not a cursor of this listing.", argument="after")
