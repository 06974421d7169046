"""The shop orders runs in: catalog, cart, shipping, payments (with its processor)
and, when asked, accounts, each real and served on a 127.0.0.1 port, with
orders in-process pointed at them."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
from redis.asyncio import Redis

from shared.devstack.process import free_port
from shared.events import Event, EventEnvelope
from shared.events.settings import events_settings
from shared.services import service
from subgraphs.orders.service import OrdersServices
from tests.subgraphs.payments.support import Processor, serve_processor
from tests.support.databases import DatabaseFactory
from tests.support.graphql import GraphQLClient
from tests.support.http_server import serve
from tests.support.services import RunningService, mint_token, running_service

ADMIN_ID = "00000000-0000-4000-8000-0000000000ad"
ADMIN = mint_token(ADMIN_ID, roles=["CUSTOMER", "ADMIN"])
EVENTS_OFF = {"MINISHOP_EVENTS_IN_PROCESS": "false"}
# Generous: two cores serve every service of the test at once.
ORDERS_TEST_ENV = {
    **EVENTS_OFF,
    "ORDERS_CART_TIMEOUT_SECONDS": "20",
    "ORDERS_CATALOG_TIMEOUT_SECONDS": "20",
    "ORDERS_SHIPPING_TIMEOUT_SECONDS": "20",
    "ORDERS_ACCOUNTS_TIMEOUT_SECONDS": "20",
    "ORDERS_PAYMENTS_TIMEOUT_SECONDS": "20",
    "ORDERS_CHECKOUT_WAIT_SECONDS": "20",
}
# Row counts of a shop where nothing was ordered.
NOTHING = {"orders": 0, "order_items": 0, "order_status_changes": 0, "checkouts": 0, "outbox": 0}
ADDRESS = {
    "fullName": "Ada Buyer",
    "line1": "1 Main Street",
    "city": "Springfield",
    "postalCode": "12345",
    "country": "US",
}

CHECKOUT = """
mutation Checkout($input: CheckoutInput!) {
  checkout(input: $input) {
    order {
      id number status
      subtotal { amount currencyCode } shippingCost { amount } total { amount currencyCode }
      items { product { id } name sku unitPrice { amount } quantity lineTotal { amount } }
      shippingAddress { fullName line1 line2 city region postalCode country phone }
      shippingMethod
      statusHistory { status note }
      user { id }
    }
    userErrors { field message code }
  }
}
"""
ADD_TO_CART = """
mutation Add($productId: ID!, $quantity: Int!) {
  addToCart(productId: $productId, quantity: $quantity) { userErrors { code message } }
}
"""
CART = "query { cart { items { quantity product { id } } } }"
CREATE_PRODUCT = """
mutation Create($input: ProductCreateInput!) {
  createProduct(input: $input) { product { id } userErrors { code message } }
}
"""
ARCHIVE_PRODUCT = """
mutation Archive($id: ID!) { archiveProduct(id: $id) { userErrors { code } } }
"""


def checkout_input(**overrides: Any) -> dict[str, Any]:
    return {
        "shippingAddress": ADDRESS,
        "shippingMethod": "STANDARD",
        "paymentToken": "tok_visa",
        "idempotencyKey": uuid.uuid4().hex,
        **overrides,
    }


def buyer() -> tuple[str, str]:
    """A new customer's id and access token."""
    user_id = str(uuid.uuid4())
    return user_id, mint_token(user_id)


async def query_database(url: str, query: str, *args: Any) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        return list(await connection.fetch(query, *args))
    finally:
        await connection.close()


def _url(running: RunningService) -> str:
    assert running.state.engine is not None
    return running.state.engine.url.render_as_string(hide_password=False)


@dataclass
class Shop:
    catalog: RunningService
    cart: RunningService
    shipping: RunningService
    payments: RunningService
    processor: Processor
    orders: RunningService
    accounts: RunningService | None
    urls: dict[str, str]
    redis_url: str

    @property
    def parts(self) -> OrdersServices:
        return self.orders.state.parts_as(OrdersServices)

    def client(self, token: str | None) -> GraphQLClient:
        return self.orders.graphql.as_user(token)

    async def product(self, *, price: str = "10.00", stock: int = 10, name: str = "Lamp") -> str:
        unique = uuid.uuid4().hex[:8].upper()
        variables = {
            "input": {
                "sku": f"T-{unique}",
                "name": f"{name} {unique}",
                "price": price,
                "initialStock": stock,
            }
        }
        result = await self.catalog.graphql.as_user(ADMIN).execute(CREATE_PRODUCT, variables)
        payload = result.ok()["createProduct"]
        assert payload["userErrors"] == [], payload
        return str(payload["product"]["id"])

    async def archive(self, product_id: str) -> None:
        result = await self.catalog.graphql.as_user(ADMIN).execute(
            ARCHIVE_PRODUCT, {"id": product_id}
        )
        assert result.ok()["archiveProduct"]["userErrors"] == []

    async def add_to_cart(self, token: str, product_id: str, quantity: int = 1) -> None:
        cart = self.cart.graphql.as_user(token)
        result = await cart.execute(ADD_TO_CART, {"productId": product_id, "quantity": quantity})
        assert result.ok()["addToCart"]["userErrors"] == []

    async def cart_items(self, token: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = (await self.cart.graphql.as_user(token).execute(CART)).ok()[
            "cart"
        ]["items"]
        return items

    async def checkout(self, token: str, **overrides: Any) -> dict[str, Any]:
        result = await self.client(token).execute(CHECKOUT, {"input": checkout_input(**overrides)})
        payload: dict[str, Any] = result.ok()["checkout"]
        return payload

    async def sql(self, query: str, *args: Any) -> list[asyncpg.Record]:
        """The orders database, read outside the service's engine and counter."""
        return await query_database(_url(self.orders), query, *args)

    async def stock(self, product_id: str) -> tuple[int, int]:
        """(on hand, reserved) in the catalog."""
        rows = await query_database(
            _url(self.catalog),
            "SELECT stock_on_hand, stock_reserved FROM products WHERE id = $1",
            uuid.UUID(product_id),
        )
        return rows[0][0], rows[0][1]

    async def reservation(self, order_id: str) -> str | None:
        rows = await query_database(
            _url(self.catalog),
            "SELECT status FROM reservations WHERE order_id = $1",
            uuid.UUID(order_id),
        )
        return rows[0][0] if rows else None

    async def events(self, type_: str) -> list[dict[str, Any]]:
        rows = await self.sql("SELECT envelope FROM outbox WHERE type = $1 ORDER BY seq", type_)
        return [json.loads(row[0])["data"] for row in rows]

    async def counts(self) -> dict[str, int]:
        """Rows per orders table: what a failed checkout must leave unchanged."""
        tables = ("orders", "order_items", "order_status_changes", "checkouts", "outbox")
        rows = await self.sql(
            # Fixed table names, not input.
            " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables)  # noqa: S608
        )
        return {row[0]: row[1] for row in rows}

    async def payment_state(self) -> list[tuple[str, str, int]]:
        """(status, refunded amount, refunds) of each payment, as payments holds it."""
        rows = await query_database(
            _url(self.payments),
            "SELECT p.status, p.refunded_amount::text,"
            " (SELECT count(*) FROM refunds r WHERE r.payment_id = p.id)"
            " FROM payments p ORDER BY p.created_at",
        )
        return [(row[0], row[1], row[2]) for row in rows]

    async def publish(self, event: Event, envelope_id: uuid.UUID | None = None) -> None:
        """Put `event` on its producer's stream, as that service's relay would (the same
        `envelope_id` twice: one event delivered twice)."""
        envelope = EventEnvelope(
            id=envelope_id or uuid.uuid4(),
            type=event.type,
            source=event.producer,
            aggregate_id=event.aggregate_id(),
            data=json.loads(event.model_dump_json()),
        )
        redis = Redis.from_url(self.redis_url, decode_responses=True)
        try:
            await redis.xadd(
                events_settings().stream(event.producer),
                {
                    "id": str(envelope.id),
                    "type": envelope.type,
                    "envelope": envelope.model_dump_json(),
                },
            )
        finally:
            await redis.aclose()

    async def charges(self) -> list[dict[str, Any]]:
        return await self.processor.charges()


async def _database(stack: AsyncExitStack, databases: DatabaseFactory, name: str) -> str:
    url = await databases.create(service(name))
    stack.push_async_callback(databases.drop, url)
    return url


async def _served(
    stack: AsyncExitStack,
    databases: DatabaseFactory,
    name: str,
    redis_url: str,
    env: dict[str, str],
    urls: dict[str, str],
) -> RunningService:
    spec = service(name)
    database_url = await _database(stack, databases, name) if spec.uses_postgres else None
    running = await stack.enter_async_context(
        running_service(spec, database_url=database_url, redis_url=redis_url, env=env)
    )
    urls[name] = await stack.enter_async_context(serve(running.app))
    return running


@asynccontextmanager
async def running_shop(
    databases: DatabaseFactory,
    redis_url: str,
    *,
    orders_env: dict[str, str] | None = None,
    with_accounts: bool = False,
    cart_events: bool = False,
) -> AsyncIterator[Shop]:
    """Every peer of orders, real, then orders itself (`orders_env` on top of the test
    defaults). The cart consumes OrderPlaced only with `cart_events`."""
    async with AsyncExitStack() as stack:
        urls: dict[str, str] = {}
        catalog = await _served(stack, databases, "catalog", redis_url, EVENTS_OFF, urls)
        catalog_env = {"MINISHOP_SERVICE_CATALOG_URL": urls["catalog"]}
        cart_env = {"MINISHOP_EVENTS_IN_PROCESS": "true" if cart_events else "false"}
        cart = await _served(stack, databases, "cart", redis_url, {**cart_env, **catalog_env}, urls)
        shipping = await _served(stack, databases, "shipping", redis_url, EVENTS_OFF, urls)
        processor = await stack.enter_async_context(serve_processor(free_port()))
        payments_env = {
            **EVENTS_OFF,
            "PAYMENTS_PROCESSOR_URL": processor.url,
            "PAYMENTS_PROCESSOR_TIMEOUT_SECONDS": "5",
            "PAYMENTS_PROCESSOR_BACKOFF_INITIAL_SECONDS": "0.01",
            "PAYMENTS_PROCESSOR_BACKOFF_MAX_SECONDS": "0.05",
        }
        payments = await _served(stack, databases, "payments", redis_url, payments_env, urls)
        accounts = None
        if with_accounts:
            accounts_env = {**EVENTS_OFF, "MINISHOP_RATE_LIMITS": "off"}
            accounts = await _served(stack, databases, "accounts", redis_url, accounts_env, urls)
        env = {
            **ORDERS_TEST_ENV,
            **{f"MINISHOP_SERVICE_{name.upper()}_URL": url for name, url in urls.items()},
            **(orders_env or {}),
        }
        orders_url = await _database(stack, databases, "orders")
        orders = await stack.enter_async_context(
            running_service(
                service("orders"), database_url=orders_url, redis_url=redis_url, env=env
            )
        )
        yield Shop(catalog, cart, shipping, payments, processor, orders, accounts, urls, redis_url)


async def eventually(
    check: Callable[[], Awaitable[bool]], *, seconds: float = 10.0, what: str = "condition"
) -> None:
    """Wait for `check` to hold (background work), polling, for `seconds` at most."""
    interval = 0.05
    for _ in range(int(seconds / interval)):
        if await check():
            return
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")
