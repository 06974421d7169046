"""The catalog through the gateway: every operation of the contract and each error code,
paging while products are added, and the internal API beside (never through) it.

The stack is shared with other tests: everything here works on products and
categories it creates itself, named so that they sort after the demo data.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from typing import Any

import httpx
import pytest

from shared.internal import HEADER, mint_service_token
from shared.settings import DEV_INTERNAL_SECRET
from tests.e2e.conftest import Stack
from tests.support.accounts import login, register
from tests.support.graphql import GraphQLClient

PRODUCT = """
  id sku slug name description price { amount currencyCode } stock inStock active
  category { id slug parent { id } } createdAt updatedAt
"""
CREATE_PRODUCT = f"""
mutation CreateProduct($input: ProductCreateInput!) {{
  createProduct(input: $input) {{ product {{ {PRODUCT} }} userErrors {{ field message code }} }}
}}
"""
UPDATE_PRODUCT = f"""
mutation UpdateProduct($id: ID!, $input: ProductUpdateInput!) {{
  updateProduct(id: $id, input: $input) {{
    product {{ {PRODUCT} }} userErrors {{ field message code }}
  }}
}}
"""
ARCHIVE_PRODUCT = """
mutation ArchiveProduct($id: ID!) {
  archiveProduct(id: $id) { product { id active } userErrors { field message code } }
}
"""
CREATE_CATEGORY = """
mutation CreateCategory($input: CategoryInput!) {
  createCategory(input: $input) {
    category { id name slug parent { id } children { id } }
    userErrors { field message code }
  }
}
"""
UPDATE_CATEGORY = """
mutation UpdateCategory($id: ID!, $input: CategoryUpdateInput!) {
  updateCategory(id: $id, input: $input) {
    category { id parent { id } } userErrors { field message code }
  }
}
"""
ADJUST_STOCK = """
mutation AdjustStock($productId: ID!, $delta: Int!, $reason: String!) {
  adjustStock(productId: $productId, delta: $delta, reason: $reason) {
    product { id stock inStock } userErrors { field message code }
  }
}
"""
PRODUCT_BY = f"""
query ProductBy($id: ID, $slug: String, $sku: String) {{
  product(id: $id, slug: $slug, sku: $sku) {{ {PRODUCT} }}
}}
"""
PRODUCTS = """
query Products($first: Int, $after: String, $filter: ProductFilter, $sort: ProductSort) {
  products(first: $first, after: $after, filter: $filter, sort: $sort) {
    edges { cursor node { id name price { amount } } }
    nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}
"""
CATEGORIES = "query Roots { categories { id slug children { id slug parent { id } } } }"
CATEGORY = """
query Category($id: ID, $slug: String, $first: Int, $after: String, $sort: ProductSort) {
  category(id: $id, slug: $slug) {
    id name slug parent { id } children { id slug }
    products(first: $first, after: $after, sort: $sort) {
      edges { node { id } } pageInfo { hasNextPage endCursor } totalCount
    }
  }
}
"""
SORTS = ["NEWEST", "PRICE_ASC", "PRICE_DESC", "NAME_ASC", "RELEVANCE"]


@pytest.fixture(scope="module")
async def admin_token(stack: Stack) -> str:
    """One admin sign-in for this module: sign-ins per account are rate-limited."""
    async with httpx.AsyncClient(timeout=30) as http:
        gateway = GraphQLClient(http, path=stack.gateway_url)
        return await login(gateway, stack.admin_email, stack.admin_password)


def _tag() -> str:
    return uuid.uuid4().hex[:8]


def _product_input(**overrides: Any) -> dict[str, Any]:
    tag = _tag()
    return {
        "sku": f"E2E-{tag}",
        # "Zz" sorts after the demo catalogue, which other tests page through.
        "name": f"Zz E2E Kettle {tag}",
        "description": "A stovetop kettle that whistles.",
        "price": "24.90",
        **overrides,
    }


async def _create_product(admin: GraphQLClient, **overrides: Any) -> dict[str, Any]:
    result = await admin.execute(CREATE_PRODUCT, {"input": _product_input(**overrides)})
    payload = result.ok()["createProduct"]
    assert payload["userErrors"] == [], payload
    product: dict[str, Any] = payload["product"]
    return product


async def _create_category(admin: GraphQLClient, **input: Any) -> dict[str, Any]:
    payload = (await admin.execute(CREATE_CATEGORY, {"input": input})).ok()["createCategory"]
    assert payload["userErrors"] == [], payload
    category: dict[str, Any] = payload["category"]
    return category


def _codes(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(error["code"], error["field"]) for error in payload["userErrors"]]


async def test_create_and_read_a_product_every_way(
    gateway: GraphQLClient, admin_token: str
) -> None:
    admin = gateway.as_user(admin_token)
    tag = _tag()
    root = await _create_category(admin, name=f"Zz E2E Kitchen {tag}")
    child = await _create_category(admin, name=f"Zz E2E Kettles {tag}", parentId=root["id"])
    assert child["parent"] == {"id": root["id"]}
    product = await _create_product(
        admin, name=f"Zz E2E Copper Kettle {tag}", categoryId=child["id"], initialStock=4
    )
    assert product["slug"] == f"zz-e2e-copper-kettle-{tag}"
    assert product["price"] == {"amount": "24.90", "currencyCode": "USD"}
    assert (product["stock"], product["inStock"], product["active"]) == (4, True, True)
    assert product["category"] == {
        "id": child["id"],
        "slug": child["slug"],
        "parent": {"id": root["id"]},
    }

    for key in ("id", "slug", "sku"):
        found = (await gateway.execute(PRODUCT_BY, {key: product[key]})).ok()["product"]
        assert found == product
    missing = await gateway.execute(PRODUCT_BY, {"id": str(uuid.uuid4())})
    assert missing.ok() == {"product": None}
    ambiguous = await gateway.execute(PRODUCT_BY, {"id": product["id"], "sku": product["sku"]})
    assert ambiguous.error_codes == ["BAD_USER_INPUT"]

    roots = (await gateway.execute(CATEGORIES)).ok()["categories"]
    ours = next(category for category in roots if category["id"] == root["id"])
    assert ours["children"] == [
        {"id": child["id"], "slug": child["slug"], "parent": {"id": root["id"]}}
    ]
    by_slug = (await gateway.execute(CATEGORY, {"slug": root["slug"]})).ok()["category"]
    by_id = (await gateway.execute(CATEGORY, {"id": root["id"]})).ok()["category"]
    assert by_slug == by_id
    assert by_slug["products"]["totalCount"] == 1  # the subcategory's product counts
    assert by_slug["products"]["edges"] == [{"node": {"id": product["id"]}}]


async def test_product_mutation_error_codes(gateway: GraphQLClient, admin_token: str) -> None:
    admin = gateway.as_user(admin_token)
    existing = await _create_product(admin)
    unknown = str(uuid.uuid4())
    cases: list[tuple[str, dict[str, Any], list[tuple[str, list[str] | None]]]] = [
        (
            CREATE_PRODUCT,
            {"input": _product_input(sku=existing["sku"].lower())},
            [("SKU_TAKEN", ["sku"])],
        ),
        (
            CREATE_PRODUCT,
            {"input": _product_input(slug=existing["slug"])},
            [("SLUG_TAKEN", ["slug"])],
        ),
        (CREATE_PRODUCT, {"input": _product_input(price="-1")}, [("INVALID_INPUT", ["price"])]),
        (
            CREATE_PRODUCT,
            {"input": _product_input(categoryId=unknown)},
            [("NOT_FOUND", ["categoryId"])],
        ),
        (UPDATE_PRODUCT, {"id": unknown, "input": {"name": "x"}}, [("NOT_FOUND", ["id"])]),
        (
            UPDATE_PRODUCT,
            {"id": existing["id"], "input": {"price": "0.001"}},
            [("INVALID_INPUT", ["price"])],
        ),
        (ARCHIVE_PRODUCT, {"id": unknown}, [("NOT_FOUND", ["id"])]),
        (
            ADJUST_STOCK,
            {"productId": unknown, "delta": 1, "reason": "count"},
            [("NOT_FOUND", ["productId"])],
        ),
        (
            ADJUST_STOCK,
            {"productId": existing["id"], "delta": -1, "reason": "count"},
            [("INVALID_INPUT", ["delta"])],
        ),
        (
            ADJUST_STOCK,
            {"productId": existing["id"], "delta": 1, "reason": " "},
            [("INVALID_INPUT", ["reason"])],
        ),
    ]
    for operation, variables, expected in cases:
        data = (await admin.execute(operation, variables)).ok()
        (payload,) = data.values()
        assert _codes(payload) == expected, (operation.split("(")[0], variables)
    unchanged = (await gateway.execute(PRODUCT_BY, {"id": existing["id"]})).ok()["product"]
    assert unchanged == existing


async def test_update_archive_and_adjust_through_the_gateway(
    gateway: GraphQLClient, admin_token: str
) -> None:
    admin = gateway.as_user(admin_token)
    product = await _create_product(admin, initialStock=2)
    updated = (
        await admin.execute(
            UPDATE_PRODUCT,
            {"id": product["id"], "input": {"price": "19.00", "description": "Now cheaper."}},
        )
    ).ok()["updateProduct"]
    assert updated["userErrors"] == []
    assert (updated["product"]["price"]["amount"], updated["product"]["description"]) == (
        "19.00",
        "Now cheaper.",
    )
    adjusted = (
        await admin.execute(
            ADJUST_STOCK, {"productId": product["id"], "delta": 8, "reason": "delivery"}
        )
    ).ok()["adjustStock"]
    assert adjusted == {
        "product": {"id": product["id"], "stock": 10, "inStock": True},
        "userErrors": [],
    }

    archived = (await admin.execute(ARCHIVE_PRODUCT, {"id": product["id"]})).ok()
    assert archived["archiveProduct"] == {
        "product": {"id": product["id"], "active": False},
        "userErrors": [],
    }
    search = {"filter": {"search": product["sku"]}}
    assert (await gateway.execute(PRODUCTS, search)).ok()["products"]["totalCount"] == 0
    still = (await gateway.execute(PRODUCT_BY, {"id": product["id"]})).ok()["product"]
    assert (still["id"], still["active"]) == (product["id"], False)


async def test_category_mutation_error_codes(gateway: GraphQLClient, admin_token: str) -> None:
    admin = gateway.as_user(admin_token)
    tag = _tag()
    root = await _create_category(admin, name=f"Zz E2E Garden {tag}")
    child = await _create_category(admin, name=f"Zz E2E Hoses {tag}", parentId=root["id"])
    cases: list[tuple[str, dict[str, Any], list[tuple[str, list[str] | None]]]] = [
        (
            CREATE_CATEGORY,
            {"input": {"name": "Copy", "slug": root["slug"]}},
            [("SLUG_TAKEN", ["slug"])],
        ),
        (
            CREATE_CATEGORY,
            {"input": {"name": "Orphan", "parentId": str(uuid.uuid4())}},
            [("NOT_FOUND", ["parentId"])],
        ),
        (CREATE_CATEGORY, {"input": {"name": "  "}}, [("INVALID_INPUT", ["name"])]),
        (
            UPDATE_CATEGORY,
            {"id": root["id"], "input": {"parentId": child["id"]}},
            [("INVALID_INPUT", ["parentId"])],
        ),
    ]
    for operation, variables, expected in cases:
        data = (await admin.execute(operation, variables)).ok()
        (payload,) = data.values()
        assert _codes(payload) == expected, variables


async def test_admin_operations_refuse_others(gateway: GraphQLClient, admin_token: str) -> None:
    product = await _create_product(gateway.as_user(admin_token))
    _, customer_token = await register(gateway, "Browser")
    operations: list[tuple[str, dict[str, Any]]] = [
        (CREATE_PRODUCT, {"input": _product_input()}),
        (UPDATE_PRODUCT, {"id": product["id"], "input": {"name": "Mine now"}}),
        (ARCHIVE_PRODUCT, {"id": product["id"]}),
        (CREATE_CATEGORY, {"input": {"name": f"Zz E2E Nope {_tag()}"}}),
        (UPDATE_CATEGORY, {"id": str(uuid.uuid4()), "input": {"name": "x"}}),
        (ADJUST_STOCK, {"productId": product["id"], "delta": 5, "reason": "free stock"}),
    ]
    for operation, variables in operations:
        assert (await gateway.execute(operation, variables)).error_codes == ["UNAUTHENTICATED"]
        customer = await gateway.as_user(customer_token).execute(operation, variables)
        assert customer.error_codes == ["FORBIDDEN"]
        forged = await gateway.as_user("not.a.token").execute(operation, variables)
        assert forged.error_codes == ["UNAUTHENTICATED"]
    unchanged = (await gateway.execute(PRODUCT_BY, {"id": product["id"]})).ok()["product"]
    assert unchanged == product


async def test_listing_limits_and_cursors(gateway: GraphQLClient) -> None:
    too_many = await gateway.execute(PRODUCTS, {"first": 101})
    assert too_many.error_codes == ["BAD_USER_INPUT"]
    garbage = await gateway.execute(PRODUCTS, {"after": "garbage"})
    assert garbage.error_codes == ["BAD_USER_INPUT"]
    page = (await gateway.execute(PRODUCTS, {"first": 100, "sort": "PRICE_ASC"})).ok()["products"]
    amounts = [float(edge["node"]["price"]["amount"]) for edge in page["edges"]]
    assert len(amounts) == 100 and amounts == sorted(amounts)
    assert page["nodes"] == [{"id": edge["node"]["id"]} for edge in page["edges"]]
    assert page["pageInfo"]["hasNextPage"] and not page["pageInfo"]["hasPreviousPage"]
    assert page["totalCount"] >= 200
    search = (await gateway.execute(PRODUCTS, {"filter": {"search": "ESPRESSO mach"}})).ok()
    assert all("Espresso Machine" in e["node"]["name"] for e in search["products"]["edges"])
    assert search["products"]["totalCount"] > 0


@pytest.mark.parametrize("sort", SORTS)
async def test_paging_a_category_while_products_are_added_visits_each_once(
    gateway: GraphQLClient, admin_token: str, sort: str
) -> None:
    admin = gateway.as_user(admin_token)
    tag = _tag()
    root = await _create_category(admin, name=f"Zz E2E Paging {tag}")
    leaves = [
        await _create_category(admin, name=f"Zz E2E Paging {tag} {n}", parentId=root["id"])
        for n in range(2)
    ]
    rng = random.Random(f"{sort}{tag}")

    async def add() -> None:
        await _create_product(
            admin,
            name=f"Zz E2E {rng.choice('ABCDEFGH')}{_tag()}",
            price=f"{rng.randint(100, 99_900) / 100:.2f}",
            description="Paging test kettle " * rng.randint(1, 3),
            categoryId=rng.choice(leaves)["id"],
        )

    await asyncio.gather(*(add() for _ in range(20)))
    filter = {"categoryId": root["id"], **({"search": "kettle"} if sort == "RELEVANCE" else {})}
    before = (await gateway.execute(PRODUCTS, {"first": 100, "filter": filter, "sort": sort})).ok()
    originals = {node["id"] for node in before["products"]["nodes"]}
    assert len(originals) == before["products"]["totalCount"] == 20

    seen: list[str] = []
    after = None
    while True:
        variables = {"first": 6, "after": after, "filter": filter, "sort": sort}
        page = (await gateway.execute(PRODUCTS, variables)).ok()["products"]
        seen += [node["id"] for node in page["nodes"]]
        await asyncio.gather(add(), add())  # between this page and the next
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)), "a product was visited twice"
    assert originals <= set(seen), "a product was skipped"


async def test_internal_api_is_served_beside_the_gateway_never_through_it(
    stack: Stack, gateway: GraphQLClient, admin_token: str
) -> None:
    product = await _create_product(gateway.as_user(admin_token), initialStock=3)
    order = str(uuid.uuid4())
    body = {"order_id": order, "lines": [{"product_id": product["id"], "quantity": 2}]}
    # The dev stack runs with the documented development secret.
    token = mint_service_token(DEV_INTERNAL_SECRET, caller="orders", audience="catalog")
    catalog_url = stack.service_urls["catalog"]
    gateway_root = stack.gateway_url.rsplit("/graphql", 1)[0]
    async with httpx.AsyncClient(timeout=10) as http:
        through_gateway = await http.post(
            f"{gateway_root}/internal/reservations", json=body, headers={HEADER: token}
        )
        assert through_gateway.status_code == 404
        unauthenticated = await http.post(f"{catalog_url}/internal/reservations", json=body)
        assert unauthenticated.status_code == 401
        reserved = await http.post(
            f"{catalog_url}/internal/reservations", json=body, headers={HEADER: token}
        )
        assert (reserved.status_code, reserved.json()["status"]) == (200, "RESERVED")
        stock = (await gateway.execute(PRODUCT_BY, {"id": product["id"]})).ok()["product"]["stock"]
        assert stock == 1
        short = await http.post(
            f"{catalog_url}/internal/reservations",
            json={**body, "order_id": str(uuid.uuid4())},
            headers={HEADER: token},
        )
        assert short.status_code == 409
        assert short.json()["error"]["details"]["lines"] == [
            {"product_id": product["id"], "requested": 2, "available": 1}
        ]
        released = await http.post(
            f"{catalog_url}/internal/reservations/{order}/release", headers={HEADER: token}
        )
        assert released.json()["status"] == "RELEASED"
    stock = (await gateway.execute(PRODUCT_BY, {"id": product["id"]})).ok()["product"]["stock"]
    assert stock == 3
