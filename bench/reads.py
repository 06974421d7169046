"""The storefront's reads against a raw reference, in one run: the truth about overhead.

    bench/setup.sh                      # once: installs wrk, the load generator
    .venv/bin/python -m bench.reads [--rounds 3] [--seconds 6] [--connections 16]

Starts the whole stack (`minishop up --throwaway-data` on free ports, rate
limits off) and, beside it, the raw reference (bench/raw_reference.py: plain
FastAPI + asyncpg, hand-written SQL, same database, same rows, same JSON).
Then, driven by wrk (C, one thread; never the bottleneck here), with a random
request body out of hundreds on every request so that nothing is answered
twice in a row and the gateway has no identical in-flight requests to merge:

- page: `products(first: 20, filter: {categoryId})` with `id name price`, over
  ~130 categories: raw, catalog subgraph, gateway; at `--connections` and at 1.
- product: `product(slug)` with its category, over every product's slug: the same three.
- cart page through the gateway (`me { cart { ... lineTotal ... subtotal } }`,
  catalog prices by `@requires`) for carts of 1, 10 and 40 lines, 30 shoppers
  each, at 1 connection; with and without the two prices.

Targets run interleaved, round after round, in a shuffled order, so a burst of
load from elsewhere on the machine falls on all of them alike; each figure is
the median over rounds, the ratios are medians of per-round ratios. Prints
the machine, the date and the load average before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import asyncpg
import httpx

from bench.client import ADD, Gateway, machine
from bench.cpu import cpu_seconds, listening_pids
from bench.stack import running_stack
from bench.wrk import WrkResult, run_wrk, write_bodies
from shared.devstack.process import free_port
from shared.services import service

PAGE = """query Page($categoryId: ID!) {
  products(first: 20, filter: {categoryId: $categoryId}) {
    nodes { id name price { amount currencyCode } }
  }
}"""
PRODUCT = """query Product($slug: String!) {
  product(slug: $slug) {
    id name slug description price { amount currencyCode } stock inStock category { id name }
  }
}"""
CART_PAGE = """query CartPage {
  me { cart { totalQuantity subtotal { amount }
    items { quantity lineTotal { amount } product { name } } } }
}"""
CART_PAGE_NO_PRICES = """query CartPageNoPrices {
  me { cart { totalQuantity items { quantity product { name } } } }
}"""
CREATE_CATEGORY = """mutation($input: CategoryInput!) {
  createCategory(input: $input) { category { id } userErrors { code } } }"""
ROOTS = "query { categories { id children { id } } }"
EXTRA_CATEGORIES = 120
PRODUCTS_PER_CATEGORY = 25
CART_SIZES = (1, 10, 40)
SHOPPERS_PER_SIZE = 30


@dataclass
class Target:
    name: str
    url: str
    bodies: Path
    connections: int
    runs: list[WrkResult] = field(default_factory=list)
    # Per run: CPU milliseconds per request of each server process group.
    cpu: list[dict[str, float]] = field(default_factory=list)

    def cpu_ms(self, server: str) -> float:
        return statistics.median(run[server] for run in self.cpu)

    def median(self, of: Callable[[WrkResult], float]) -> float:
        return statistics.median(of(run) for run in self.runs)

    @property
    def failures(self) -> int:
        return sum(run.failures + run.socket_errors for run in self.runs)

    def line(self) -> str:
        return (
            f"  {self.name:<34} {self.median(lambda r: r.rate):8.0f} req/s  "
            f"p50 {self.median(lambda r: r.p50_ms):7.2f} ms  "
            f"p90 {self.median(lambda r: r.p90_ms):7.2f} ms  "
            f"p99 {self.median(lambda r: r.p99_ms):7.2f} ms  "
            f"failures {self.failures}  CPU ms/request: "
            + ", ".join(f"{name} {self.cpu_ms(name):.2f}" for name in self.cpu[0] if self.cpu)
        )


# The servers whose CPU time is read around every run: name -> listening port.
SERVERS: dict[str, int] = {}


async def interleaved(targets: list[Target], rounds: int, seconds: float) -> None:
    for target in targets:  # warm-up: caches, connection pools, JIT of the gateway
        await run_wrk(target.url, target.bodies, connections=target.connections, seconds=2)
    pids = {name: listening_pids(port) for name, port in SERVERS.items()}
    for _ in range(rounds):
        order = targets[:]
        random.shuffle(order)
        for target in order:
            before = {name: cpu_seconds(group) for name, group in pids.items()}
            run = await run_wrk(
                target.url, target.bodies, connections=target.connections, seconds=seconds
            )
            target.runs.append(run)
            target.cpu.append(
                {
                    name: (cpu_seconds(group) - before[name]) * 1000 / max(run.requests, 1)
                    for name, group in pids.items()
                }
            )


def ratio(top: Target, bottom: Target, of: Callable[[WrkResult], float]) -> float:
    return statistics.median(
        of(a) / of(b) for a, b in zip(top.runs, bottom.runs, strict=True) if of(b)
    )


def difference(top: Target, bottom: Target, of: Callable[[WrkResult], float]) -> float:
    return statistics.median(of(a) - of(b) for a, b in zip(top.runs, bottom.runs, strict=True))


@contextmanager
def raw_reference(database_url: str) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own module
        [
            sys.executable,
            *("-m", "uvicorn", "--factory", "bench.raw_reference:create_app"),
            *("--host", "127.0.0.1", "--port", str(port), "--no-access-log"),
            *("--log-level", "warning"),
        ],
        env={**os.environ, "BENCH_RAW_DATABASE_URL": database_url},
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


async def wait_up(http: httpx.AsyncClient, url: str) -> None:
    for _ in range(200):
        try:
            await http.post(url, json={"variables": {"slug": "none"}})
            return
        except httpx.TransportError:
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} never answered")


async def more_categories(gateway: Gateway, admin: str) -> list[str]:
    """Leaf categories under the seeded roots (made through the API, as an admin would)."""
    roots = (await gateway.call(ROOTS, {}))["categories"]
    made = []
    for index in range(EXTRA_CATEGORIES):
        parent = roots[index % len(roots)]["id"]
        data = await gateway.call(
            CREATE_CATEGORY,
            {"input": {"name": f"Bench {index} {uuid.uuid4().hex[:6]}", "parentId": parent}},
            admin,
        )
        made.append(data["createCategory"]["category"]["id"])
    seeded = [root["id"] for root in roots] + [c["id"] for r in roots for c in r["children"]]
    return seeded + made


async def more_products(database_url: str, categories: list[str]) -> list[str]:
    """PRODUCTS_PER_CATEGORY products in each new category (bulk SQL), and every slug."""
    rng = random.Random(20261124)
    rows = []
    for category in categories:
        for _ in range(PRODUCTS_PER_CATEGORY):
            tag = uuid.uuid4().hex[:10]
            rows.append(
                (
                    uuid.uuid4(),
                    f"BENCH-{tag}".upper(),
                    f"bench-{tag}",
                    f"Bench product {tag}",
                    "A product made for the benchmark.",
                    Decimal(rng.randint(100, 99_999)) / 100,
                    uuid.UUID(category),
                    rng.randint(0, 500),
                )
            )
    connection = await asyncpg.connect(database_url)
    try:
        # Only categories with too few products get more: the seeded ones have theirs.
        await connection.executemany(
            """INSERT INTO products (id, sku, slug, name, description, price, category_id,
                   stock_on_hand, stock_reserved, active)
               SELECT $1, $2, $3, $4, $5, $6, $7, $8, 0, true
               WHERE (SELECT count(*) FROM products WHERE category_id = $7) < 20""",
            rows,
        )
        await connection.execute("ANALYZE products")
        return [row["slug"] for row in await connection.fetch("SELECT slug FROM products")]
    finally:
        await connection.close()


async def first_product_ids(gateway: Gateway) -> list[str]:
    """The ids of the first 100 products, to fill carts with."""
    data = await gateway.call("query { products(first: 100) { nodes { id } } }", {})
    return [node["id"] for node in data["products"]["nodes"]]


def page_bodies(path: Path, categories: list[str]) -> Path:
    """One catalog page request per category, for wrk."""
    return write_bodies(
        path, [("", {"query": PAGE, "variables": {"categoryId": c}}) for c in categories]
    )


def cart_bodies(path: Path, tokens: list[str], query: str = CART_PAGE) -> Path:
    """One cart page request per shopper, each with its own token, for wrk."""
    return write_bodies(path, [(token, {"query": query, "variables": {}}) for token in tokens])


async def shoppers(gateway: Gateway, size: int, products: list[str]) -> list[str]:
    async def one(index: int) -> str:
        token = await gateway.sign_up(f"reads-{size}-{index}")
        for product in random.sample(products, size):
            await gateway.call(ADD, {"productId": product, "quantity": 1}, token)
        return token

    # A few at a time: sign-up hashes a password, a burst of them would only queue.
    gate = asyncio.Semaphore(4)

    async def gated(index: int) -> str:
        async with gate:
            return await one(index)

    return list(await asyncio.gather(*(gated(i) for i in range(SHOPPERS_PER_SIZE))))


def report_pair(title: str, raw: Target, sub: Target, gw: Target) -> None:
    print(title)
    for target in (raw, sub, gw):
        print(target.line())


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--skip-cart", action="store_true")
    args = parser.parse_args()
    print(f"reads benchmark: {machine()}", flush=True)
    env = {"MINISHOP_RATE_LIMITS": "off", "MINISHOP_LOG_LEVEL": "WARNING"}
    async with running_stack(env) as stack:
        config = stack.config
        catalog = service("catalog")
        subgraph = f"{config.service_url(catalog)}/graphql"
        database = stack.database_url(catalog)
        limits = httpx.Limits(max_connections=32)
        async with httpx.AsyncClient(timeout=60, limits=limits, trust_env=False) as http:
            gateway = Gateway(http, stack.gateway_url)
            admin = await gateway.login(config.admin_email, config.admin_password)
            categories = await more_categories(gateway, admin)
            slugs = await more_products(database, categories)
            print(f"{len(categories)} categories, {len(slugs)} products", flush=True)
            folder = Path(tempfile.mkdtemp(prefix="minishop-reads-"))
            pages = page_bodies(folder / "page.txt", categories)
            products = write_bodies(
                folder / "product.txt",
                [("", {"query": PRODUCT, "variables": {"slug": s}}) for s in slugs],
            )
            SERVERS["catalog"] = config.service_port(catalog)
            SERVERS["gateway"] = config.gateway_port
            SERVERS["cart"] = config.service_port(service("cart"))
            with raw_reference(database) as raw:
                await wait_up(http, f"{raw}/product")
                SERVERS["raw"] = int(raw.rsplit(":", 1)[1])
                await compare(args, "page", f"{raw}/page", subgraph, stack.gateway_url, pages)
                await compare(
                    args, "product(slug)", f"{raw}/product", subgraph, stack.gateway_url, products
                )
            del SERVERS["raw"]
            if not args.skip_cart:
                ids = await first_product_ids(gateway)
                await cart_pages(args, gateway, stack.gateway_url, ids, folder)
    print(f"done: {machine()}")


async def compare(
    args: argparse.Namespace, name: str, raw: str, subgraph: str, gateway: str, bodies: Path
) -> None:
    for connections in (args.connections, 1):
        targets = [
            Target(f"raw FastAPI+asyncpg, {connections} conn", raw, bodies, connections),
            Target(f"catalog subgraph, {connections} conn", subgraph, bodies, connections),
            Target(f"gateway, {connections} conn", gateway, bodies, connections),
        ]
        await interleaved(targets, args.rounds, args.seconds)
        raw_t, sub_t, gw_t = targets
        report_pair(f"{name} at {connections} connection(s): {machine()}", raw_t, sub_t, gw_t)

        def rate(run: WrkResult) -> float:
            return run.rate

        def p50(run: WrkResult) -> float:
            return run.p50_ms

        print(
            f"  subgraph / raw {ratio(sub_t, raw_t, rate):.1%}   "
            f"gateway / subgraph {ratio(gw_t, sub_t, rate):.1%}   "
            f"gateway adds p50 {difference(gw_t, sub_t, p50):+.2f} ms",
            flush=True,
        )
        raw_cpu, sub_cpu = raw_t.cpu_ms("raw"), sub_t.cpu_ms("catalog")
        print(
            f"  CPU per request: raw {raw_cpu:.2f} ms, subgraph {sub_cpu:.2f} ms "
            f"(raw/subgraph {raw_cpu / sub_cpu:.1%}); through the gateway: gateway "
            f"{gw_t.cpu_ms('gateway'):.2f} ms + subgraph {gw_t.cpu_ms('catalog'):.2f} ms",
            flush=True,
        )


async def cart_pages(
    args: argparse.Namespace, gateway: Gateway, url: str, products: list[str], folder: Path
) -> None:
    targets = []
    for size in CART_SIZES:
        tokens = await shoppers(gateway, size, products)
        for label, query in (("", CART_PAGE), (" without prices", CART_PAGE_NO_PRICES)):
            bodies = cart_bodies(folder / f"cart-{size}{label.strip()}.txt", tokens, query)
            targets.append(Target(f"cart of {size:>2} lines{label}, 1 conn", url, bodies, 1))
    await interleaved(targets, args.rounds, args.seconds)
    print(f"cart page through the gateway at 1 connection: {machine()}")
    for target in targets:
        print(target.line(), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
