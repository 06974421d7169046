"""Operations and helpers shared by the catalog tests."""

from __future__ import annotations

import json
import uuid
from typing import Any

import asyncpg

from shared.db.urls import asyncpg_url
from tests.subgraphs.catalog.conftest import database_url
from tests.support.services import RunningService, mint_token

ADMIN_ID = "00000000-0000-0000-0000-0000000000ad"
CUSTOMER_ID = "00000000-0000-0000-0000-0000000000c1"
ADMIN = mint_token(ADMIN_ID, roles=["CUSTOMER", "ADMIN"])
CUSTOMER = mint_token(CUSTOMER_ID)

PRODUCT_FIELDS = """
  id sku slug name description price { amount currencyCode } stock inStock active
  category { id slug } createdAt updatedAt
"""
CREATE_PRODUCT = f"""
mutation Create($input: ProductCreateInput!) {{
  createProduct(input: $input) {{
    product {{ {PRODUCT_FIELDS} }}
    userErrors {{ field message code }}
  }}
}}
"""
UPDATE_PRODUCT = f"""
mutation Update($id: ID!, $input: ProductUpdateInput!) {{
  updateProduct(id: $id, input: $input) {{
    product {{ {PRODUCT_FIELDS} }}
    userErrors {{ field message code }}
  }}
}}
"""
ARCHIVE_PRODUCT = """
mutation Archive($id: ID!) {
  archiveProduct(id: $id) { product { id active } userErrors { field message code } }
}
"""
ADJUST_STOCK = """
mutation Adjust($productId: ID!, $delta: Int!, $reason: String!) {
  adjustStock(productId: $productId, delta: $delta, reason: $reason) {
    product { id stock inStock }
    userErrors { field message code }
  }
}
"""
CREATE_CATEGORY = """
mutation CreateCategory($input: CategoryInput!) {
  createCategory(input: $input) {
    category { id name slug parent { id } }
    userErrors { field message code }
  }
}
"""
UPDATE_CATEGORY = """
mutation UpdateCategory($id: ID!, $input: CategoryUpdateInput!) {
  updateCategory(id: $id, input: $input) {
    category { id name slug parent { id } }
    userErrors { field message code }
  }
}
"""
PRODUCT_BY_ID = f"query P($id: ID) {{ product(id: $id) {{ {PRODUCT_FIELDS} }} }}"
SEARCH = """
query Search($search: String, $first: Int, $after: String, $sort: ProductSort,
             $categoryId: ID, $inStock: Boolean, $minPrice: Decimal, $maxPrice: Decimal) {
  products(first: $first, after: $after, sort: $sort, filter: {
      search: $search, categoryId: $categoryId, inStock: $inStock,
      minPrice: $minPrice, maxPrice: $maxPrice }) {
    edges { cursor node { id name sku price { amount } stock } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}
"""


def admin(service: RunningService) -> Any:
    return service.graphql.as_user(ADMIN)


def new_product(**overrides: Any) -> dict[str, Any]:
    unique = uuid.uuid4().hex[:8].upper()
    return {"sku": f"T-{unique}", "name": f"Test Lamp {unique}", "price": "19.99", **overrides}


async def create_product(service: RunningService, **overrides: Any) -> dict[str, Any]:
    result = await admin(service).execute(CREATE_PRODUCT, {"input": new_product(**overrides)})
    payload = result.ok()["createProduct"]
    assert payload["userErrors"] == [], payload
    product: dict[str, Any] = payload["product"]
    return product


async def create_category(service: RunningService, **input: Any) -> dict[str, Any]:
    result = await admin(service).execute(CREATE_CATEGORY, {"input": input})
    payload = result.ok()["createCategory"]
    assert payload["userErrors"] == [], payload
    category: dict[str, Any] = payload["category"]
    return category


async def sql(service: RunningService, query: str, *args: Any) -> list[asyncpg.Record]:
    """Read the service's database directly, outside its engine and counters."""
    url = asyncpg_url(database_url(service))
    connection = await asyncpg.connect(url)
    try:
        return list(await connection.fetch(query, *args))
    finally:
        await connection.close()


async def table_counts(service: RunningService) -> dict[str, int]:
    """Rows per table that a failed command must leave unchanged."""
    tables = (
        "products",
        "categories",
        "stock_movements",
        "reservations",
        "reservation_lines",
        "outbox",
    )
    rows = await sql(
        service,
        # Fixed table names, not input.
        " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables),  # noqa: S608
    )
    return {row[0]: row[1] for row in rows}


async def events(service: RunningService, type_: str) -> list[dict[str, Any]]:
    """The payloads of outbox events of one type, oldest first."""
    rows = await sql(service, "SELECT envelope FROM outbox WHERE type = $1 ORDER BY seq", type_)
    return [json.loads(row[0])["data"] for row in rows]
