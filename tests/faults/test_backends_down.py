"""Postgres and Redis stopped under running services, then started again.

The servers are this module's own (tests.support.backends): stopping them
touches no other test. The services run in-process and are never restarted:
each test shows the answer while a server is down and the same service working
again once it is back.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from shared.db.urls import asyncpg_url
from shared.services import service
from tests.support.accounts import LOGIN, REGISTER
from tests.support.backends import Backends, dedicated_backends, fetch_value
from tests.support.graphql import GraphQLResponse
from tests.support.http_server import serve
from tests.support.services import RunningService, mint_token, running_service
from tests.support.shop import CREATE_PRODUCT, add_to_cart, eventually

PASSWORD = "a good password"
UPDATE_CART_ITEM = """
mutation Set($productId: ID!, $quantity: Int!) {
  updateCartItem(productId: $productId, quantity: $quantity) {
    cart { totalQuantity } userErrors { code }
  }
}
"""
CART = "query { cart { totalQuantity items { quantity product { id } } } }"
# The accounts relay and consumers would only add noise to these tests.
QUIET = {"MINISHOP_EVENTS_IN_PROCESS": "false"}


@pytest.fixture(scope="module")
async def backends() -> AsyncIterator[Backends]:
    async with dedicated_backends() as started:
        yield started


@pytest.fixture(autouse=True)
async def _servers_back(backends: Backends) -> AsyncIterator[None]:
    yield
    await backends.restore()


async def _service(backends: Backends, name: str, env: dict[str, str] | None = None) -> Any:
    spec = service(name)
    url = await backends.databases.create(spec) if spec.uses_postgres else None
    return running_service(spec, database_url=url, redis_url=backends.redis_url, env=env)


@pytest.fixture
async def accounts(backends: Backends) -> AsyncIterator[RunningService]:
    async with await _service(backends, "accounts", QUIET) as running:
        yield running


@pytest.fixture
async def catalog(backends: Backends) -> AsyncIterator[RunningService]:
    async with await _service(backends, "catalog", QUIET) as running:
        yield running


def database_of(running: RunningService) -> str:
    assert running.state.engine is not None
    return running.state.engine.url.render_as_string(hide_password=False)


async def readiness(running: RunningService) -> tuple[int, dict[str, str]]:
    response = await running.http.get("/health/ready")
    return response.status_code, response.json()["checks"]


def assert_refused_cleanly(result: GraphQLResponse) -> None:
    """A GraphQL error with a code and a generic message: no data, no trace, no host."""
    assert result.status == 200, result.body
    assert result.data is None, result.body
    assert result.error_codes == ["INTERNAL_SERVER_ERROR"], result.body
    message = result.errors[0]["message"].lower()
    for leak in ("redis", "postgres", "127.0.0.1", "traceback", "connection"):
        assert leak not in message, message


def credentials(email: str) -> dict[str, Any]:
    return {"input": {"email": email, "password": PASSWORD}}


async def test_login_with_redis_stopped_fails_closed_and_works_once_it_is_back(
    accounts: RunningService, backends: Backends
) -> None:
    # Given a customer, and Redis (which holds the sign-in limits) stopped
    email = f"fault-{uuid.uuid4().hex[:8]}@example.com"
    registered = await accounts.graphql.execute(
        REGISTER, {"input": {"email": email, "password": PASSWORD, "name": "Fault"}}
    )
    assert registered.ok()["register"]["userErrors"] == []
    sessions = "SELECT count(*) FROM refresh_tokens"
    before = await fetch_value(database_of(accounts), sessions)
    await backends.redis.stop()

    # When they sign in with the right password
    refused = await accounts.graphql.execute(LOGIN, credentials(email))

    # Then nobody is signed in unchecked: no token, no new session
    assert_refused_cleanly(refused)
    assert await fetch_value(database_of(accounts), sessions) == before
    assert await readiness(accounts) == (503, {"redis": "unavailable", "database": "ok"})
    # And the same process signs them in once Redis is back
    await backends.redis.start()
    assert await readiness(accounts) == (200, {"redis": "ok", "database": "ok"})
    signed_in = (await accounts.graphql.execute(LOGIN, credentials(email))).ok()["login"]
    assert signed_in["userErrors"] == []
    assert signed_in["accessToken"]


async def test_register_with_redis_stopped_writes_no_account(
    accounts: RunningService, backends: Backends
) -> None:
    email = f"fault-{uuid.uuid4().hex[:8]}@example.com"
    variables = {"input": {"email": email, "password": PASSWORD, "name": "Fault"}}
    await backends.redis.stop()

    refused = await accounts.graphql.execute(REGISTER, variables)

    assert_refused_cleanly(refused)
    users = "SELECT count(*) FROM users WHERE email = $1"
    assert await fetch_value(database_of(accounts), users, email) == 0
    await backends.redis.start()
    # Nothing was kept of the refused attempt: the e-mail is still free.
    payload = (await accounts.graphql.execute(REGISTER, variables)).ok()["register"]
    assert payload["userErrors"] == []
    assert await fetch_value(database_of(accounts), users, email) == 1


async def test_cart_change_with_redis_stopped_fails_and_the_cart_is_as_before_after(
    catalog: RunningService, backends: Backends
) -> None:
    # Given a cart with one unit of a product, in the Redis that is then stopped
    admin = catalog.graphql.as_user(mint_token(str(uuid.uuid4()), roles=["ADMIN"]))
    created = await admin.execute(
        CREATE_PRODUCT,
        {"input": {"sku": f"F-{uuid.uuid4().hex[:8]}", "name": "Fault item", "price": "3.00"}},
    )
    product_id = created.ok()["createProduct"]["product"]["id"]
    async with serve(catalog.app) as catalog_url:
        env = {**QUIET, "MINISHOP_SERVICE_CATALOG_URL": catalog_url}
        async with await _service(backends, "cart", env) as cart:
            shopper = cart.graphql.as_user(mint_token(str(uuid.uuid4())))
            await add_to_cart(shopper, product_id, 1)
            await backends.redis.stop()

            # When the shopper changes the line to three units
            refused = await shopper.execute(
                UPDATE_CART_ITEM, {"productId": product_id, "quantity": 3}
            )

            # Then a clean error, a not-ready probe, and after Redis is back the
            # cart as it was, which the same process changes again
            assert_refused_cleanly(refused)
            assert await readiness(cart) == (503, {"redis": "unavailable"})
            await backends.redis.start()
            assert await readiness(cart) == (200, {"redis": "ok"})
            kept = (await shopper.execute(CART)).ok()["cart"]
            assert [(i["product"]["id"], i["quantity"]) for i in kept["items"]] == [(product_id, 1)]
            changed = await shopper.execute(
                UPDATE_CART_ITEM, {"productId": product_id, "quantity": 3}
            )
            assert changed.ok()["updateCartItem"]["cart"]["totalQuantity"] == 3


async def _waiting_on_a_lock(database_url: str) -> bool:
    """Whether a session of the service waits for a lock while holding a row lock
    on products: a createProduct that wrote its product row and waits for the ledger."""
    sql = """
        SELECT count(*) FROM pg_stat_activity a
        JOIN pg_locks l ON l.pid = a.pid AND l.granted
        JOIN pg_class c ON c.oid = l.relation
        WHERE a.application_name = 'minishop' AND a.wait_event_type = 'Lock'
          AND c.relname = 'products' AND l.mode = 'RowExclusiveLock'
    """
    return await fetch_value(database_url, sql) == 1


async def test_postgres_stopped_mid_create_product_leaves_nothing_and_the_service_recovers(
    catalog: RunningService, backends: Backends
) -> None:
    # Given a createProduct held inside its transaction: the product row written,
    # the stock ledger's insert waiting for a lock this test holds
    database = database_of(catalog)
    admin = catalog.graphql.as_user(mint_token(str(uuid.uuid4()), roles=["ADMIN"]))
    sku = f"F-{uuid.uuid4().hex[:8]}".upper()
    variables = {"input": {"sku": sku, "name": "Half", "price": "5.00", "initialStock": 5}}
    locker = await asyncpg.connect(asyncpg_url(database))
    await locker.execute("BEGIN; LOCK TABLE stock_movements IN EXCLUSIVE MODE")
    mutation = asyncio.create_task(admin.execute(CREATE_PRODUCT, variables))
    await eventually(lambda: _waiting_on_a_lock(database), bool, what="the mutation mid-way")

    # When Postgres stops (fast shutdown ends every session, the locker's too)
    await backends.postgres.stop()
    result = await mutation
    await locker.close(timeout=1)

    # Then a clean error, a not-ready probe, and once Postgres is back, no half
    # of the product: the same process creates it whole, SKU still free
    assert_refused_cleanly(result)
    assert await readiness(catalog) == (503, {"redis": "ok", "database": "unavailable"})
    await backends.postgres.start()
    assert await readiness(catalog) == (200, {"redis": "ok", "database": "ok"})
    products = "SELECT count(*) FROM products WHERE sku = $1"
    assert await fetch_value(database, products, sku) == 0
    assert await fetch_value(database, "SELECT count(*) FROM stock_movements") == 0
    again = (await admin.execute(CREATE_PRODUCT, variables)).ok()["createProduct"]
    assert again["userErrors"] == []
    assert again["product"]["stock"] == 5
    assert await fetch_value(database, products, sku) == 1
