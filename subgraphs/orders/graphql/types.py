"""GraphQL types of the orders service, built explicitly from rows."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

from shared.graphql.cost import PAGE, at_most
from shared.graphql.errors import forbidden
from shared.graphql.ids import try_parse_id
from shared.graphql.money import Money, money
from shared.graphql.pagination import Connection, build_connection, page_size
from subgraphs.orders import repository
from subgraphs.orders.graphql.common import (
    OrdersInfo,
    after_key,
    cursor_error,
    may_see,
    services,
)
from subgraphs.orders.graphql.loaders import (
    items_by_order_id_loader,
    order_by_id_loader,
    status_changes_by_order_id_loader,
)
from subgraphs.orders.models import OrderItemRow, OrderRow, OrderStatusChangeRow

# An order has the lines of a cart (at most 100) and a short status history.
LINES_AT_MOST = 100
STATUS_CHANGES_AT_MOST = 12


@strawberry.enum
class OrderStatus(Enum):
    PENDING_PAYMENT = "PENDING_PAYMENT"
    PAID = "PAID"
    PAYMENT_FAILED = "PAYMENT_FAILED"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"
    RETURN_REQUESTED = "RETURN_REQUESTED"
    REFUNDED = "REFUNDED"


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class Product:
    """A product, resolved by the catalog."""

    id: strawberry.ID


@strawberry.type(description="A shipping address as the order recorded it.")
class OrderAddress:
    full_name: str
    line1: str
    line2: str | None
    city: str
    region: str | None
    postal_code: str
    country: str
    phone: str | None

    @classmethod
    def from_order(cls, row: OrderRow) -> OrderAddress:
        return cls(
            full_name=row.ship_full_name,
            line1=row.ship_line1,
            line2=row.ship_line2,
            city=row.ship_city,
            region=row.ship_region,
            postal_code=row.ship_postal_code,
            country=row.ship_country,
            phone=row.ship_phone,
        )


@strawberry.type(description="One line of an order, with the price of the moment it was placed.")
class OrderItem:
    product: Product
    name: str
    sku: str
    unit_price: Money
    quantity: int
    line_total: Money

    @classmethod
    def from_row(cls, row: OrderItemRow, currency: str) -> OrderItem:
        return cls(
            product=Product(id=strawberry.ID(str(row.product_id))),
            name=row.name,
            sku=row.sku,
            unit_price=money(row.unit_price, currency),
            quantity=row.quantity,
            line_total=money(row.line_total, currency),
        )


@strawberry.type
class OrderStatusChange:
    status: OrderStatus
    at: datetime
    note: str | None

    @classmethod
    def from_row(cls, row: OrderStatusChangeRow) -> OrderStatusChange:
        return cls(status=OrderStatus(row.status), at=row.at, note=row.note)


@strawberry.federation.type(keys=["id"])
class Order:
    id: strawberry.ID
    number: str = strawberry.field(description="Human-friendly and unique, e.g. MS-000123.")
    user: User
    status: OrderStatus
    subtotal: Money
    shipping_cost: Money
    total: Money
    shipping_address: OrderAddress
    shipping_method: str = strawberry.field(description="A shipping method code.")
    created_at: datetime
    updated_at: datetime
    row: strawberry.Private[OrderRow]

    @classmethod
    def from_row(cls, row: OrderRow) -> Order:
        return cls(
            id=strawberry.ID(str(row.id)),
            number=row.number,
            user=User(id=strawberry.ID(str(row.user_id))),
            status=OrderStatus(row.status),
            subtotal=money(row.subtotal, row.currency),
            shipping_cost=money(row.shipping_cost, row.currency),
            total=money(row.total, row.currency),
            shipping_address=OrderAddress.from_order(row),
            shipping_method=row.shipping_method,
            created_at=row.created_at,
            updated_at=row.updated_at,
            row=row,
        )

    @classmethod
    async def resolve_reference(cls, info: OrdersInfo, id: str) -> Order | None:
        # Authorised here: whoever points at an order, only its buyer and admins
        # may read it.
        order_id = try_parse_id(id)
        if order_id is None:
            return None
        row = await info.context.loader(order_by_id_loader).load(order_id)
        return cls.from_row(row) if row is not None and may_see(info, row) else None

    @strawberry.field(directives=[at_most(LINES_AT_MOST)])
    async def items(self, info: OrdersInfo) -> list[OrderItem]:
        rows = await info.context.loader(items_by_order_id_loader).load(self.row.id)
        return [OrderItem.from_row(row, self.row.currency) for row in rows]

    @strawberry.field(
        description="Every status the order has had, the oldest first.",
        directives=[at_most(STATUS_CHANGES_AT_MOST)],
    )
    async def status_history(self, info: OrdersInfo) -> list[OrderStatusChange]:
        rows = await info.context.loader(status_changes_by_order_id_loader).load(self.row.id)
        return [OrderStatusChange.from_row(row) for row in rows]


def ensure_can_see_orders_of(info: OrdersInfo, user_id: str) -> None:
    principal = info.context.require_user()
    if principal.user_id != user_id and not principal.is_admin:
        raise forbidden("You can only see your own orders.")


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, info: OrdersInfo, id: str) -> User:
        ensure_can_see_orders_of(info, id)
        return cls(id=strawberry.ID(id))

    @strawberry.field(
        description="The user's orders, newest first (the user and admins only).", directives=[PAGE]
    )
    async def orders(
        self, info: OrdersInfo, first: int | None = 20, after: str | None = None
    ) -> Connection[Order]:
        ensure_can_see_orders_of(info, str(self.id))
        user_id = try_parse_id(self.id)
        size = page_size(first)
        key = after_key(after)
        orders = services(info).orders
        if user_id is None:
            rows = []
        else:
            try:
                rows = await orders.page(
                    user_id=user_id, status=None, limit=size + 1, after_key=key
                )
            except ValueError as exc:
                raise cursor_error() from exc

        async def count() -> int:
            return 0 if user_id is None else await orders.count(user_id=user_id, status=None)

        return build_connection(
            rows,
            size=size,
            to_node=Order.from_row,
            sort_key=repository.order_sort_key,
            has_previous=after is not None,
            count_total=count,
        )
