"""Catalog search and listing latency with 100,000 products, directly on the subgraph.

    .venv/bin/python -m bench.catalog_search [--products 100000] [--requests 400]

Server: DATABASE_URL when set, else an embedded Postgres started here (durable,
as `minishop up` runs it). A throwaway database is created, migrated like the
catalog's, bulk-loaded with COPY, analysed, and dropped at the end (`--keep`
keeps it on a DATABASE_URL server; the embedded one stops with the script).
The catalog app runs in this process and is called over httpx's
ASGI transport, so a figure is one whole GraphQL request: parsing,
validation, resolvers, SQL and JSON, without a network hop.

Two scenarios, each `--requests` sequential requests after a warm-up, every
request with other words or other filters, so no result is served twice:

- search: `products(first: 20, filter: {search})`, ranked by relevance, with
  `totalCount`; one or two words from the catalogue, the last often half-typed.
- page: `products(first: 20, filter: {categoryId, minPrice, maxPrice, inStock},
  sort)` with `totalCount`, the sort drawn from the four orders that need no
  search, and the category from roots and leaves.

Before timing, EXPLAIN ANALYZE of one query of each kind shows which indexes
the planner uses on the full table (the search must use the GIN index).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from shared.db.migrations import upgrade
from shared.devstack.postgres import EmbeddedPostgres, database_url
from shared.devstack.process import free_port
from shared.services import service
from shared.settings import platform_settings
from subgraphs.catalog.repository import ProductOrder, ProductQuery, page_statement
from subgraphs.catalog.seed import BRANDS, QUALITIES, TREE
from subgraphs.catalog.settings import catalog_settings

SEED = 20261123
WARMUP_REQUESTS = 30
COLOURS = ("black", "white", "red", "navy", "olive", "sand", "graphite", "teal", "amber")
MATERIALS = ("steel", "oak", "cotton", "wool", "aluminium", "bamboo", "leather", "glass")
MORE_BRANDS = ("Vega", "Orion", "Lumen", "Fjord", "Kestrel", "Meridian", "Tundra", "Sierra")
SEARCH = """
query Search($search: String) {
  products(first: 20, filter: {search: $search}) {
    totalCount
    nodes { id name price { amount } stock }
  }
}
"""
PAGE = """
query Page($filter: ProductFilter, $sort: ProductSort) {
  products(first: 20, filter: $filter, sort: $sort) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id name price { amount } stock }
  }
}
"""
SORTS = ("NEWEST", "PRICE_ASC", "PRICE_DESC", "NAME_ASC")


@dataclass(frozen=True)
class Catalogue:
    roots: list[uuid.UUID]
    leaves: list[uuid.UUID]
    words: list[str]  # what shoppers type: brands, colours, nouns, materials


@contextlib.asynccontextmanager
async def postgres_server() -> AsyncIterator[str]:
    if given := os.environ.get("DATABASE_URL"):
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="minishop-bench-") as directory:
        base = Path(directory)
        server = EmbeddedPostgres(base / "pg", free_port(), base / "pg.log")
        async with server:
            yield server.url


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _admin_execute(server_url: str, sql: str) -> None:
    connection = await asyncpg.connect(_plain(server_url))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def create_database(server_url: str) -> str:
    name = f"bench_catalog_{uuid.uuid4().hex[:8]}"
    await _admin_execute(server_url, f'CREATE DATABASE "{name}"')
    url = database_url(server_url, name)
    await asyncio.to_thread(upgrade, service("catalog"), url)
    return url


async def drop_database(server_url: str, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    await _admin_execute(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _product_rows(
    count: int, rng: random.Random, leaf_ids: dict[str, uuid.UUID]
) -> list[tuple[Any, ...]]:
    leaves = [leaf for children in TREE.values() for leaf in children]
    brands = BRANDS + MORE_BRANDS
    now = datetime.now(UTC)
    rows: list[tuple[Any, ...]] = []
    for index in range(count):
        leaf = rng.choice(leaves)
        noun = rng.choice(leaf.nouns)
        brand, colour = rng.choice(brands), rng.choice(COLOURS)
        model = f"{rng.choice('ABCDEFGHJKLMNPRSTVXZ')}{rng.randint(10, 999)}"
        name = f"{brand} {colour.title()} {noun} {model}"
        first, second = rng.sample(QUALITIES, 2)
        description = (
            f"The {brand} {noun.lower()} in {colour} is {first} and {second}, made of "
            f"{rng.choice(MATERIALS)} for {leaf.uses}. Backed by a two-year warranty."
        )
        low, high = leaf.price_range
        rows.append(
            (
                _uuid(rng),
                f"BX-{index:07d}",
                f"{_slug(name)}-{index}",
                name,
                description,
                Decimal(rng.randint(low * 100, high * 100)) / 100,
                leaf_ids[leaf.name],
                0 if rng.random() < 0.1 else rng.randint(1, 500),
                0,
                rng.random() >= 0.05,  # some archived, as in a catalogue with a past
                now - timedelta(minutes=rng.randint(0, 365 * 24 * 60)),
            )
        )
    return rows


async def load(url: str, count: int) -> tuple[Catalogue, float]:
    """Bulk-load the catalogue with COPY; returns it and the seconds it took."""
    rng = random.Random(SEED)
    categories: list[tuple[Any, ...]] = []
    roots: list[uuid.UUID] = []
    leaf_ids: dict[str, uuid.UUID] = {}
    for root, children in TREE.items():
        root_id = _uuid(rng)
        roots.append(root_id)
        categories.append((root_id, root, _slug(root), None))
        for leaf in children:
            leaf_ids[leaf.name] = _uuid(rng)
            categories.append((leaf_ids[leaf.name], leaf.name, _slug(leaf.name), root_id))
    rows = _product_rows(count, rng, leaf_ids)
    started = time.perf_counter()
    connection = await asyncpg.connect(_plain(url))
    try:
        await connection.copy_records_to_table(
            "categories", records=categories, columns=["id", "name", "slug", "parent_id"]
        )
        await connection.copy_records_to_table("products", records=rows, columns=PRODUCT_COLUMNS)
        await connection.execute("VACUUM ANALYZE products")
    finally:
        await connection.close()
    words = sorted(
        {
            w.lower()
            for children in TREE.values()
            for leaf in children
            for n in leaf.nouns
            for w in n.replace("-", " ").split()
        }
        | {b.lower() for b in BRANDS + MORE_BRANDS}
        | set(COLOURS)
        | set(MATERIALS)
    )
    return Catalogue(roots, list(leaf_ids.values()), words), time.perf_counter() - started


PRODUCT_COLUMNS = [
    "id",
    "sku",
    "slug",
    "name",
    "description",
    "price",
    "category_id",
    "stock_on_hand",
    "stock_reserved",
    "active",
    "created_at",
]


def search_variables(rng: random.Random, catalogue: Catalogue) -> dict[str, Any]:
    words = rng.sample(catalogue.words, rng.choice((1, 1, 2)))
    last = words[-1]
    if len(last) > 3 and rng.random() < 0.5:  # still typing
        words[-1] = last[: rng.randint(3, len(last) - 1)]
    return {"search": " ".join(words)}


def page_variables(rng: random.Random, catalogue: Catalogue) -> dict[str, Any]:
    category = rng.choice(catalogue.roots if rng.random() < 0.3 else catalogue.leaves)
    low = rng.randint(0, 200)
    filter: dict[str, Any] = {
        "categoryId": str(category),
        "minPrice": str(low),
        "maxPrice": str(low + rng.randint(50, 2000)),
    }
    if rng.random() < 0.7:
        filter["inStock"] = True
    return {"filter": filter, "sort": rng.choice(SORTS)}


async def explain(url: str, query: ProductQuery) -> str:
    """EXPLAIN ANALYZE of the page statement the app runs for `query`, with the
    same bound parameters (and so the same plan choices)."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        compiled = page_statement(query, 21, None).compile(
            dialect=engine.dialect, compile_kwargs={"render_postcompile": True}
        )
        params = tuple(compiled.params[name] for name in compiled.positiontup or ())
        async with engine.connect() as connection:
            result = await connection.exec_driver_sql(
                f"EXPLAIN (ANALYZE, COSTS OFF) {compiled}", params
            )
            return "\n".join(str(row[0]) for row in result)
    finally:
        await engine.dispose()


async def time_requests(
    http: httpx.AsyncClient,
    query: str,
    make_variables: Callable[[], dict[str, Any]],
    count: int,
) -> tuple[list[float], list[int]]:
    """Milliseconds per request, and the totalCount each answered."""
    latencies: list[float] = []
    totals: list[int] = []
    for _ in range(count):
        body = {"query": query, "variables": make_variables()}
        started = time.perf_counter()
        response = await http.post("/graphql", json=body)
        latencies.append((time.perf_counter() - started) * 1000)
        payload = response.json()
        if response.status_code != 200 or payload.get("errors"):
            raise RuntimeError(f"request failed: {response.status_code} {payload}")
        totals.append(payload["data"]["products"]["totalCount"])
    return latencies, totals


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def describe(name: str, latencies: list[float], totals: list[int]) -> str:
    return (
        f"{name:<7} n={len(latencies):<5} p50 {percentile(latencies, 0.5):7.1f} ms   "
        f"p99 {percentile(latencies, 0.99):7.1f} ms   mean {statistics.fmean(latencies):7.1f} ms"
        f"   matches per request: median {int(statistics.median(totals))}, max {max(totals)}"
    )


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.1f} GiB RAM"
    python = platform.python_version()
    return f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()}, Python {python}"


@contextlib.asynccontextmanager
async def catalog_app(url: str) -> AsyncIterator[httpx.AsyncClient]:
    values = {
        "CATALOG_DATABASE_URL": url,
        "MINISHOP_ENV": "development",
        "MINISHOP_LOG_LEVEL": "WARNING",
        # Reads only: no relay needed; the app never touches Redis on these paths.
        "MINISHOP_EVENTS_IN_PROCESS": "false",
    }
    os.environ.update(values)
    platform_settings.cache_clear()
    catalog_settings.cache_clear()
    from subgraphs.catalog.app import create_app

    app = create_app()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://catalog") as http:
            yield http


async def run(args: argparse.Namespace) -> None:
    async with postgres_server() as server_url:
        url = await create_database(server_url)
        try:
            catalogue, load_seconds = await load(url, args.products)
            print(f"loaded     {args.products} products in {load_seconds:.1f} s (COPY + ANALYZE)")
            version = await _server_version(url)
            rng = random.Random(SEED + 1)
            print("\nEXPLAIN ANALYZE, search 'espresso mach' (relevance):")
            print(
                await explain(
                    url, ProductQuery(search="espresso mach", order=ProductOrder.RELEVANCE)
                )
            )
            print("\nEXPLAIN ANALYZE, page of a leaf category, price 20..400, in stock, by price:")
            page_query = ProductQuery(
                category_ids=[catalogue.leaves[0]],
                min_price=Decimal(20),
                max_price=Decimal(400),
                in_stock=True,
                order=ProductOrder.PRICE_ASC,
            )
            print(await explain(url, page_query))
            async with catalog_app(url) as http:
                for query, make in (
                    (SEARCH, lambda: search_variables(rng, catalogue)),
                    (PAGE, lambda: page_variables(rng, catalogue)),
                ):
                    await time_requests(http, query, make, WARMUP_REQUESTS)
                search = await time_requests(
                    http, SEARCH, lambda: search_variables(rng, catalogue), args.requests
                )
                page = await time_requests(
                    http, PAGE, lambda: page_variables(rng, catalogue), args.requests
                )
            print()
            print(f"date       {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
            print(f"machine    {machine()}")
            print(f"postgres   {version}")
            print(f"catalogue  {args.products} products, {len(catalogue.leaves)} leaf categories")
            print(describe("search", *search))
            print(describe("page", *page))
        finally:
            if args.keep:
                print(f"kept       {url}")
            else:
                await drop_database(server_url, url)


async def _server_version(url: str) -> str:
    connection = await asyncpg.connect(_plain(url))
    try:
        return str(await connection.fetchval("SHOW server_version"))
    finally:
        await connection.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400, help="timed requests per scenario")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database afterwards (on DATABASE_URL; the embedded server stops)",
    )
    asyncio.run(run(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
