"""Checkout when parts of the shop fail: real processes stopped, killed and started again."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.databases import DatabaseFactory
from tests.support.fleet import Fleet, running_fleet
from tests.support.graphql import GraphQLClient
from tests.support.services import mint_token
from tests.support.shop import CHECKOUT, add_to_cart, checkout_input, create_product, eventually

CHECKOUT_SERVICES = ("accounts", "catalog", "cart", "shipping", "payments", "processor", "orders")
# Straight to the orders subgraph: the user's orders as the gateway would ask for them.
MY_ORDERS = """
query Mine($user: [_Any!]!) {
  _entities(representations: $user) { ... on User { orders(first: 5) { nodes { id status } } } }
}
"""
STOCK = "query Stock($id: ID!) { product(id: $id) { stock } }"
# The recovery job looks at orders left PENDING_PAYMENT after a second here.
RECOVERY_ENV = {"ORDERS_RECOVERY_AFTER_SECONDS": "1", "ORDERS_RECOVERY_INTERVAL_SECONDS": "0.5"}


@pytest.fixture
async def fleet(
    tmp_path: Path, postgres_url: str, redis_url: str, databases: DatabaseFactory
) -> AsyncIterator[Fleet]:
    async with running_fleet(
        tmp_path / "home",
        postgres_url=postgres_url,
        redis_url=redis_url,
        databases=databases,
        names=CHECKOUT_SERVICES,
        env=RECOVERY_ENV,
    ) as running:
        yield running


def client(fleet: Fleet, http: httpx.AsyncClient, name: str, token: str) -> GraphQLClient:
    return GraphQLClient(http, path=f"{fleet.url(name)}/graphql", token=token)


async def charges(fleet: Fleet, http: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await http.get(f"{fleet.url('processor')}/v1/_control/charges")
    response.raise_for_status()
    body = response.json()
    listed: list[dict[str, Any]] = body["charges"] if isinstance(body, dict) else body
    return listed


async def slow_processor(fleet: Fleet, http: httpx.AsyncClient, seconds: float) -> None:
    """The next charge is recorded at once but answered `seconds` later."""
    response = await http.post(
        f"{fleet.url('processor')}/v1/_control/delay", json={"seconds": seconds, "count": 1}
    )
    response.raise_for_status()


async def stock(catalog: GraphQLClient, product_id: str) -> int:
    value: int = (await catalog.execute(STOCK, {"id": product_id})).ok()["product"]["stock"]
    return value


async def orders_of(orders: GraphQLClient, user_id: str) -> list[dict[str, Any]]:
    representations = [{"__typename": "User", "id": user_id}]
    data = (await orders.execute(MY_ORDERS, {"user": representations})).ok()
    nodes: list[dict[str, Any]] = data["_entities"][0]["orders"]["nodes"]
    return nodes


@dataclass
class Shopper:
    user_id: str
    orders: GraphQLClient  # the orders subgraph, as this user
    catalog: GraphQLClient  # the catalog, as an admin
    product_id: str  # two of its three units are in the cart


async def a_shopper_with_a_cart(fleet: Fleet, http: httpx.AsyncClient) -> Shopper:
    admin = client(fleet, http, "catalog", mint_token(str(uuid.uuid4()), roles=["ADMIN"]))
    product = await create_product(admin, stock=3)
    user_id = str(uuid.uuid4())
    user_token = mint_token(user_id)
    await add_to_cart(client(fleet, http, "cart", user_token), product["id"], 2)
    return Shopper(user_id, client(fleet, http, "orders", user_token), admin, product["id"])


async def test_payments_stopped_during_checkout_charges_nothing_and_releases_the_stock(
    fleet: Fleet,
) -> None:
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        shopper = await a_shopper_with_a_cart(fleet, http)
        await fleet.stop("payments")

        result = await shopper.orders.execute(CHECKOUT, {"input": checkout_input()})

        payload = result.ok()["checkout"]
        assert [e["code"] for e in payload["userErrors"]] == ["PAYMENT_UNAVAILABLE"]
        assert await stock(shopper.catalog, shopper.product_id) == 3
        assert await charges(fleet, http) == []
        # Back again, the same shopper can buy with a new key.
        await fleet.start("payments")
        retried = (await shopper.orders.execute(CHECKOUT, {"input": checkout_input()})).ok()[
            "checkout"
        ]
        assert retried["order"]["status"] == "PAID"
        assert await stock(shopper.catalog, shopper.product_id) == 1


async def test_orders_killed_between_the_charge_and_paid_is_recovered_paid_with_one_charge(
    fleet: Fleet,
) -> None:
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        shopper = await a_shopper_with_a_cart(fleet, http)
        await slow_processor(fleet, http, seconds=3.0)
        request = asyncio.create_task(shopper.orders.execute(CHECKOUT, {"input": checkout_input()}))
        await eventually(
            lambda: charges(fleet, http), lambda found: len(found) == 1, what="a charge"
        )

        await fleet.kill("orders")
        with pytest.raises(httpx.HTTPError):
            await request
        await fleet.start("orders")

        recovered = await eventually(
            lambda: orders_of(shopper.orders, shopper.user_id),
            lambda nodes: len(nodes) == 1 and nodes[0]["status"] == "PAID",
            within=30.0,
            what="the recovery job to finish the order",
        )
        assert recovered[0]["status"] == "PAID"
        assert len(await charges(fleet, http)) == 1
        assert await stock(shopper.catalog, shopper.product_id) == 1


async def test_a_processor_slower_than_the_timeout_is_retried_into_one_charge(
    fleet: Fleet,
) -> None:
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        shopper = await a_shopper_with_a_cart(fleet, http)
        await slow_processor(fleet, http, seconds=4.0)

        payload = (await shopper.orders.execute(CHECKOUT, {"input": checkout_input()})).ok()[
            "checkout"
        ]

        assert payload["userErrors"] == []
        assert payload["order"]["status"] == "PAID"
        assert len(await charges(fleet, http)) == 1
        assert await stock(shopper.catalog, shopper.product_id) == 1
