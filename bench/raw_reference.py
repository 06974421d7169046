"""The raw reference: plain FastAPI + asyncpg answering the benchmark's two reads.

It serves the same rows as the same JSON as the catalog subgraph, from the same
database, with hand-written SQL and no GraphQL: the figure the subgraph is
measured against. One statement per request, prepared once per connection.

    BENCH_RAW_DATABASE_URL=postgresql://... uvicorn --factory bench.raw_reference:create_app

POST /page     {"variables": {"categoryId": "..."}}  -> products(first: 20, filter: {categoryId})
POST /product  {"variables": {"slug": "..."}}        -> product(slug)
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

CURRENCY = "USD"
PAGE_SQL = """
WITH RECURSIVE tree(id) AS (
    SELECT id FROM categories WHERE id = $1
    UNION ALL
    SELECT c.id FROM categories c JOIN tree t ON c.parent_id = t.id
)
SELECT p.id, p.name, p.price FROM products p
WHERE p.active AND p.category_id IN (SELECT id FROM tree)
ORDER BY p.created_at DESC, p.id DESC
LIMIT $2
"""
PRODUCT_SQL = """
SELECT p.id, p.name, p.slug, p.description, p.price,
       p.stock_on_hand - p.stock_reserved AS stock, c.id AS category_id, c.name AS category_name
FROM products p LEFT JOIN categories c ON c.id = p.category_id
WHERE p.slug = $1
"""
PAGE_SIZE = 20


def _money(amount: Decimal) -> dict[str, str]:
    return {"amount": str(amount.quantize(Decimal("0.01"))), "currencyCode": CURRENCY}


def create_app() -> FastAPI:
    url = os.environ["BENCH_RAW_DATABASE_URL"]
    pool: dict[str, asyncpg.Pool] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        pool["db"] = await asyncpg.create_pool(url, min_size=4, max_size=16)
        try:
            yield
        finally:
            await pool["db"].close()

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)

    @app.post("/page")
    async def page(request: Request) -> JSONResponse:
        variables: dict[str, Any] = (await request.json())["variables"]
        category_id = uuid.UUID(variables["categoryId"])
        rows = await pool["db"].fetch(PAGE_SQL, category_id, PAGE_SIZE + 1)
        nodes = [
            {"id": str(row["id"]), "name": row["name"], "price": _money(row["price"])}
            for row in rows[:PAGE_SIZE]
        ]
        return JSONResponse({"data": {"products": {"nodes": nodes}}})

    @app.post("/product")
    async def product(request: Request) -> JSONResponse:
        variables: dict[str, Any] = (await request.json())["variables"]
        row = await pool["db"].fetchrow(PRODUCT_SQL, variables["slug"])
        if row is None:
            return JSONResponse({"data": {"product": None}})
        category = (
            {"id": str(row["category_id"]), "name": row["category_name"]}
            if row["category_id"]
            else None
        )
        stock = max(row["stock"], 0)
        return JSONResponse(
            {
                "data": {
                    "product": {
                        "id": str(row["id"]),
                        "name": row["name"],
                        "slug": row["slug"],
                        "description": row["description"],
                        "price": _money(row["price"]),
                        "stock": stock,
                        "inStock": stock > 0,
                        "category": category,
                    }
                }
            }
        )

    return app
