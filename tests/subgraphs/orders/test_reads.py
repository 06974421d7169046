"""Reading orders: who sees which, pages newest first, and what a page costs in SQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.subgraphs.orders.support import ADMIN, Shop, buyer, running_shop
from tests.support.databases import DatabaseFactory
from tests.support.graphql import GraphQLClient

ORDER = "query($id: ID!) { order(id: $id) { id number status user { id } } }"
ORDER_FIELDS = """
  id number status total { amount currencyCode }
  items { product { id } name sku quantity unitPrice { amount } lineTotal { amount } }
  statusHistory { status at note }
"""
ALL_ORDERS = f"""
query($first: Int, $after: String, $status: OrderStatus) {{
  orders(first: $first, after: $after, status: $status) {{
    totalCount
    pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
    edges {{ cursor node {{ {ORDER_FIELDS} }} }}
  }}
}}
"""
USER_ORDERS = f"""
query($reps: [_Any!]!, $first: Int, $after: String) {{
  _entities(representations: $reps) {{
    ... on User {{
      id
      orders(first: $first, after: $after) {{
        totalCount
        pageInfo {{ hasNextPage endCursor }}
        nodes {{ {ORDER_FIELDS} }}
      }}
    }}
  }}
}}
"""
ORDER_ENTITIES = """
query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { id number } } }
"""


@pytest.fixture(scope="module")
async def reading_shop(databases: DatabaseFactory, redis_server_url: str) -> AsyncIterator[Shop]:
    """One shop for the module: these tests only read, each its own users' orders."""
    base = redis_server_url.rsplit("/", 1)[0]
    async with running_shop(databases, f"{base}/14") as running:
        yield running


async def insert_orders(shop: Shop, user_id: str, count: int, status: str = "PAID") -> list[str]:
    """`count` orders of two items each with their history, oldest first."""
    ids = [uuid.uuid4() for _ in range(count)]
    for order_id in ids:
        await shop.sql(
            """
            INSERT INTO orders (id, user_id, status, currency, subtotal, shipping_cost, total,
                ship_full_name, ship_line1, ship_city, ship_postal_code, ship_country,
                shipping_method, stock, created_at)
            VALUES ($1, $2, $3, 'USD', 30, 5, 35, 'Ada', '1 Main St', 'Town', '1', 'US',
                'STANDARD', 'COMMITTED', clock_timestamp())
            """,
            order_id,
            uuid.UUID(user_id),
            status,
        )
        await shop.sql(
            "INSERT INTO order_items (order_id, position, product_id, sku, name, unit_price,"
            " quantity) VALUES ($1, 0, $2, 'A', 'Lamp', 10, 1), ($1, 1, $3, 'B', 'Bulb', 10, 2)",
            order_id,
            uuid.uuid4(),
            uuid.uuid4(),
        )
        await shop.sql(
            "INSERT INTO order_status_changes (order_id, status)"
            " VALUES ($1, 'PENDING_PAYMENT'), ($1, $2)",
            order_id,
            status,
        )
    return [str(order_id) for order_id in ids]


def as_admin(shop: Shop) -> GraphQLClient:
    return shop.client(ADMIN)


def user_reps(user_id: str) -> list[dict[str, str]]:
    return [{"__typename": "User", "id": user_id}]


async def test_an_order_is_seen_by_its_buyer_and_admins_only(reading_shop: Shop) -> None:
    shop = reading_shop
    user_id, token = buyer()
    _, stranger = buyer()
    [order_id] = await insert_orders(shop, user_id, 1)

    own = (await shop.client(token).execute(ORDER, {"id": order_id})).ok()["order"]
    admin = (await as_admin(shop).execute(ORDER, {"id": order_id})).ok()["order"]
    other = (await shop.client(stranger).execute(ORDER, {"id": order_id})).ok()["order"]
    unknown = (await shop.client(token).execute(ORDER, {"id": str(uuid.uuid4())})).ok()["order"]

    assert own["id"] == order_id and own["user"] == {"id": user_id}
    assert own["number"].startswith("MS-")
    assert admin == own
    assert other is None and unknown is None


async def test_order_needs_a_user_and_a_well_formed_id(reading_shop: Shop) -> None:
    _, token = buyer()
    anonymous = await reading_shop.client(None).execute(ORDER, {"id": str(uuid.uuid4())})
    forged = await reading_shop.client(token).execute(ORDER, {"id": "1 OR 1=1"})

    assert anonymous.error_codes == ["UNAUTHENTICATED"]
    assert forged.error_codes == ["BAD_USER_INPUT"]


async def test_order_references_resolve_for_their_buyer_and_admins_only(
    reading_shop: Shop,
) -> None:
    shop = reading_shop
    user_id, token = buyer()
    _, stranger = buyer()
    [order_id] = await insert_orders(shop, user_id, 1)
    reps = [{"__typename": "Order", "id": order_id}, {"__typename": "Order", "id": "forged"}]

    own = (await shop.client(token).execute(ORDER_ENTITIES, {"reps": reps})).ok()
    other = (await shop.client(stranger).execute(ORDER_ENTITIES, {"reps": reps})).ok()

    assert [e and e["id"] for e in own["_entities"]] == [order_id, None]
    assert other["_entities"] == [None, None]


async def test_a_hundred_order_references_cost_one_statement(reading_shop: Shop) -> None:
    shop = reading_shop
    user_id, token = buyer()
    ids = await insert_orders(shop, user_id, 3)
    reps = [{"__typename": "Order", "id": ids[i % 3]} for i in range(100)]

    with shop.orders.sql.counting() as statements:
        result = await shop.client(token).execute(ORDER_ENTITIES, {"reps": reps})

    assert len(result.ok()["_entities"]) == 100
    assert len(statements) == 1


async def test_the_admin_lists_every_order_newest_first_by_status_in_stable_pages(
    reading_shop: Shop,
) -> None:
    shop = reading_shop
    shipped = await insert_orders(shop, buyer()[0], 3, status="SHIPPED")
    admin = as_admin(shop)

    first = (await admin.execute(ALL_ORDERS, {"first": 2, "status": "SHIPPED"})).ok()["orders"]
    # an order placed between the pages does not shift the second one
    await insert_orders(shop, buyer()[0], 1, status="SHIPPED")
    after = first["pageInfo"]["endCursor"]
    variables = {"first": 2, "after": after, "status": "SHIPPED"}
    second = (await admin.execute(ALL_ORDERS, variables)).ok()["orders"]

    assert [e["node"]["id"] for e in first["edges"]] == [shipped[2], shipped[1]]
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["hasPreviousPage"] is False
    assert [e["node"]["id"] for e in second["edges"]] == [shipped[0]]
    assert second["pageInfo"]["hasNextPage"] is False
    assert second["totalCount"] == 4


async def test_customers_cannot_list_every_order(reading_shop: Shop) -> None:
    _, token = buyer()
    response = await reading_shop.client(token).execute(ALL_ORDERS, {})
    assert response.error_codes == ["FORBIDDEN"]


@pytest.mark.parametrize(
    "variables",
    [
        pytest.param({"first": 101}, id="first-over-100"),
        pytest.param({"first": -1}, id="negative-first"),
        pytest.param({"after": "bm90IGEgY3Vyc29y"}, id="forged-cursor"),
        pytest.param({"after": "WyJub3QgYSBkYXRlIiwiMSJd"}, id="cursor-not-of-orders"),
        pytest.param({"status": "LOST"}, id="unknown-status"),
    ],
)
async def test_bad_listing_arguments_are_bad_user_input(
    reading_shop: Shop, variables: dict[str, Any]
) -> None:
    response = await as_admin(reading_shop).execute(ALL_ORDERS, variables)
    assert response.error_codes == ["BAD_USER_INPUT"]


async def test_a_user_sees_their_own_orders_newest_first_and_nobody_elses(
    reading_shop: Shop,
) -> None:
    shop = reading_shop
    user_id, token = buyer()
    other_id, other = buyer()
    mine = await insert_orders(shop, user_id, 3)
    await insert_orders(shop, other_id, 2)

    page = (
        await shop.client(token).execute(USER_ORDERS, {"reps": user_reps(user_id), "first": 2})
    ).ok()["_entities"][0]["orders"]
    rest = (
        await shop.client(token).execute(
            USER_ORDERS,
            {"reps": user_reps(user_id), "first": 2, "after": page["pageInfo"]["endCursor"]},
        )
    ).ok()["_entities"][0]["orders"]
    stranger = await shop.client(other).execute(USER_ORDERS, {"reps": user_reps(user_id)})
    admin = (await as_admin(shop).execute(USER_ORDERS, {"reps": user_reps(user_id)})).ok()

    assert [n["id"] for n in page["nodes"]] == [mine[2], mine[1]]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"] is True
    assert [n["id"] for n in rest["nodes"]] == [mine[0]]
    assert stranger.error_codes == ["FORBIDDEN"]
    assert [n["id"] for n in admin["_entities"][0]["orders"]["nodes"]] == mine[::-1]


async def test_a_page_of_twenty_orders_with_items_and_history_costs_four_statements(
    reading_shop: Shop,
) -> None:
    shop = reading_shop
    user_id, token = buyer()
    await insert_orders(shop, user_id, 21)

    with shop.orders.sql.counting() as mine:
        own = await shop.client(token).execute(
            USER_ORDERS, {"reps": user_reps(user_id), "first": 20}
        )
    with shop.orders.sql.counting() as everyone:
        listed = await as_admin(shop).execute(ALL_ORDERS, {"first": 20})

    nodes = own.ok()["_entities"][0]["orders"]["nodes"]
    assert len(nodes) == 20 and all(len(n["items"]) == 2 for n in nodes)
    assert all(
        [c["status"] for c in n["statusHistory"]] == ["PENDING_PAYMENT", "PAID"] for n in nodes
    )
    assert nodes[0]["items"][1]["lineTotal"] == {"amount": "20.00"}
    assert len(listed.ok()["orders"]["edges"]) == 20
    # page, count, items, history
    assert len(mine) == 4
    assert len(everyone) == 4
