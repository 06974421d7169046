"""The storefront under load: concurrent shoppers through the gateway.

    .venv/bin/python -m bench.storefront [--shoppers 24] [--seconds 90] [--think 0.5]

Starts the whole stack (`minishop up --throwaway-data` on free ports, rate
limits off) and gives every seeded product ample stock. Each shopper signs up
once, then loops over the storefront app's own operations
(schema/operations/storefront, sent as the app sends them), in the
proportions of `MIX`: the category nav, a category page, a search, a product
page, add to cart, the cart page. Inputs vary on every request (category and
sort, words from product names with the last one often half-typed, product,
quantity), so the gateway has no identical in-flight requests to merge.

Between two actions a shopper thinks for a random time, uniform between 0 and
twice `--think` seconds; `--think 0` plays them back to back, which measures
the stack's capacity rather than shoppers. Requests made during the first
`--warmup` seconds are not counted.

Prints, per operation, the count, p50/p95/p99 and errors against the targets
(cart page p99 under 250 ms, everything else under 150 ms, no errors), the
requests per second in all, this script's own CPU (the load generator must
not be the limit), and whether every shopper's cart ends with exactly what it
added.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import resource
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx

from bench.client import Gateway, GraphQLFailure, machine
from bench.cpu import cpu_seconds, listening_pids, with_children
from bench.stack import running_stack
from shared.operations import load_operations
from shared.services import SERVICES, service

# Operation name in schema/operations/storefront -> its share of a shopper's actions.
MIX: dict[str, int] = {
    "Categories": 5,
    "Category": 25,
    "Search": 20,
    "Product": 30,
    "AddToCart": 10,
    "Cart": 10,
}
TARGET_P99_MS = {"Cart": 250.0}
DEFAULT_TARGET_P99_MS = 150.0
SORTS = ("NEWEST", "PRICE_ASC", "PRICE_DESC", "NAME_ASC")
MAX_QUANTITY_PER_LINE = 99
_WORD = re.compile(r"[a-z]{3,}")


@dataclass(frozen=True, slots=True)
class Catalogue:
    category_slugs: list[str]
    products: list[tuple[str, str]]  # (id, slug)
    words: list[str]


@dataclass
class Results:
    counting: bool = False
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    samples: dict[str, str] = field(default_factory=dict)

    def record(self, name: str, seconds: float, error: str | None) -> None:
        if not self.counting:
            return
        if error is None:
            self.latencies[name].append(seconds)
        else:
            self.errors[name] += 1
            self.samples.setdefault(name, error[:300])


def percentile(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0


class Shopper:
    def __init__(
        self, gateway: Gateway, token: str, catalogue: Catalogue, documents: dict[str, str]
    ):
        self.gateway, self.token, self.catalogue, self.documents = (
            gateway,
            token,
            catalogue,
            documents,
        )
        # What this shopper has added: product id -> quantity. The cart must end so.
        self.added: Counter[str] = Counter()

    def _search_text(self) -> str:
        words = random.sample(self.catalogue.words, random.choice((1, 1, 2)))
        last = words[-1]
        if random.random() < 0.5:  # half-typed, as a search box sends it
            words[-1] = last[: random.randint(2, len(last))]
        return " ".join(words)

    def _to_add(self) -> tuple[str, int]:
        while True:
            product_id, _slug = random.choice(self.catalogue.products)
            quantity = random.randint(1, 3)
            if self.added[product_id] + quantity <= MAX_QUANTITY_PER_LINE:
                return product_id, quantity

    def next_action(self) -> tuple[str, dict[str, Any], Callable[[Any], str | None]]:
        """The next operation, its variables and a check of its answer (None when right)."""
        name = random.choices(list(MIX), weights=list(MIX.values()))[0]
        catalogue = self.catalogue
        if name == "Categories":
            return "Categories", {}, _no_check
        if name == "Category":
            variables: dict[str, Any] = {
                "slug": random.choice(catalogue.category_slugs),
                "sort": random.choice(SORTS),
            }
            return "Category", variables, _no_check
        if name == "Search":
            variables = {"filter": {"search": self._search_text()}, "sort": "RELEVANCE"}
            return "Products", variables, _no_check
        if name == "Product":
            return "Product", {"slug": random.choice(catalogue.products)[1]}, _no_check
        if name == "AddToCart":
            product_id, quantity = self._to_add()

            def added(data: Any) -> str | None:
                if errors := data["addToCart"]["userErrors"]:
                    return f"userErrors {errors}"
                self.added[product_id] += quantity
                return None

            return "AddToCart", {"productId": product_id, "quantity": quantity}, added
        return "Cart", {}, _no_check

    async def run(self, results: Results, deadline: float, think: float) -> None:
        while time.monotonic() < deadline:
            operation, variables, check = self.next_action()
            label = "Search" if operation == "Products" else operation
            started = time.perf_counter()
            error: str | None
            try:
                data = await self.gateway.call(self.documents[operation], variables, self.token)
                elapsed = time.perf_counter() - started
                error = check(data)
            except (GraphQLFailure, httpx.HTTPError, KeyError, TypeError) as failure:
                elapsed = time.perf_counter() - started
                error = f"{type(failure).__name__}: {failure}"
            results.record(label, elapsed, error)
            if think:
                await asyncio.sleep(random.uniform(0, 2 * think))

    async def cart_matches(self) -> bool:
        data = await self.gateway.call(self.documents["Cart"], {}, self.token)
        items = data["cart"]["items"] if data["cart"] else []
        held = Counter({item["product"]["id"]: item["quantity"] for item in items})
        return held == self.added


def _no_check(_data: Any) -> str | None:
    return None


async def catalogue_of(gateway: Gateway, documents: dict[str, str]) -> Catalogue:
    tree = (await gateway.call(documents["Categories"], {}))["categories"]
    slugs = [root["slug"] for root in tree] + [c["slug"] for r in tree for c in r["children"]]
    products: list[tuple[str, str]] = []
    words: set[str] = set()
    after = None
    while True:
        page = (
            await gateway.call(
                documents["Products"], {"first": 100, "after": after, "sort": "NEWEST"}
            )
        )["products"]
        for node in page["nodes"]:
            products.append((node["id"], node["slug"]))
            words.update(_WORD.findall(node["name"].lower()))
        if not page["pageInfo"]["hasNextPage"]:
            return Catalogue(slugs, products, sorted(words))
        after = page["pageInfo"]["endCursor"]


async def stock_everything(database_url: str) -> None:
    """Enough stock that no add to cart fails for want of it (this measures speed)."""
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute("UPDATE products SET stock_on_hand = stock_reserved + 1000000")
    finally:
        await connection.close()


def report(results: Results, seconds: float) -> bool:
    total = sum(len(v) for v in results.latencies.values()) + sum(results.errors.values())
    print(f"{total} requests in {seconds:.1f} s = {total / seconds:.1f} requests/s")
    met = True
    for label in MIX:
        ordered = sorted(results.latencies.get(label, []))
        target = TARGET_P99_MS.get(label, DEFAULT_TARGET_P99_MS)
        errors = results.errors[label]
        p99 = percentile(ordered, 0.99)
        ok = bool(ordered) and p99 < target and errors == 0
        met = met and ok
        print(
            f"  {label:<11} {len(ordered):>6}  p50 {percentile(ordered, 0.50):7.1f} ms  "
            f"p95 {percentile(ordered, 0.95):7.1f} ms  p99 {p99:7.1f} ms  "
            f"errors {errors}  (target p99 < {target:.0f} ms: {'met' if ok else 'NOT met'})"
        )
    for label, sample in results.samples.items():
        print(f"  first {label} error: {sample}")
    return met


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shoppers", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--think", type=float, default=0.5, help="mean seconds between actions")
    args = parser.parse_args()
    print(f"storefront load: {machine()}", flush=True)
    print(
        f"{args.shoppers} shoppers for {args.seconds:.0f} s after {args.warmup:.0f} s of "
        f"warm-up, think time uniform 0..{2 * args.think:.2f} s",
        flush=True,
    )
    documents = {op.name: op.body for op in load_operations() if op.source.startswith("storefront")}
    env = {"MINISHOP_RATE_LIMITS": "off", "MINISHOP_LOG_LEVEL": "WARNING"}
    async with running_stack(env) as stack:
        await stock_everything(stack.database_url(service("catalog")))
        limits = httpx.Limits(
            max_connections=args.shoppers, max_keepalive_connections=args.shoppers
        )
        async with httpx.AsyncClient(timeout=30, limits=limits, trust_env=False) as http:
            gateway = Gateway(http, stack.gateway_url)
            catalogue = await catalogue_of(gateway, documents)
            print(
                f"{len(catalogue.category_slugs)} categories, {len(catalogue.products)} products, "
                f"{len(catalogue.words)} search words",
                flush=True,
            )
            # Sign-up hashes a password: a few at a time, or they only queue.
            gate = asyncio.Semaphore(4)

            async def sign_up(index: int) -> str:
                async with gate:
                    return await gateway.sign_up(f"storefront-{index}")

            tokens = await asyncio.gather(*(sign_up(i) for i in range(args.shoppers)))

            shoppers = [Shopper(gateway, token, catalogue, documents) for token in tokens]
            results = Results()
            started = time.monotonic()
            deadline = started + args.warmup + args.seconds

            async def start_counting() -> float:
                await asyncio.sleep(args.warmup)
                results.counting = True
                return time.monotonic()

            servers = {"gateway": listening_pids(stack.config.gateway_port)} | {
                spec.name: listening_pids(stack.config.service_port(spec)) for spec in SERVICES
            }
            # Postgres: the server and its backends (the pool's connections are open by now).
            servers["postgres"] = with_children(listening_pids(stack.config.postgres_port))
            servers["redis"] = listening_pids(stack.config.redis_port)
            counting_since = asyncio.create_task(start_counting())
            server_before = {name: cpu_seconds(pids) for name, pids in servers.items()}
            cpu_before = _own_cpu()
            await asyncio.gather(*(s.run(results, deadline, args.think) for s in shoppers))
            measured = time.monotonic() - await counting_since
            own_cpu = _own_cpu() - cpu_before
            server_cpu = {
                name: cpu_seconds(pids) - server_before[name] for name, pids in servers.items()
            }
            print(f"storefront load results: {machine()}")
            met = report(results, measured)
            elapsed = time.monotonic() - started
            print(
                "server CPU over the whole run (warm-up included), share of one core: "
                + ", ".join(
                    f"{name} {seconds / elapsed:.0%}"
                    for name, seconds in sorted(server_cpu.items(), key=lambda kv: -kv[1])
                )
            )
            print(f"load generator CPU: {own_cpu / elapsed:.0%} of one core")
            matches = await asyncio.gather(*(s.cart_matches() for s in shoppers))
            added = sum(sum(s.added.values()) for s in shoppers)
            print(
                f"carts exactly as added: {sum(matches)} of {len(shoppers)} "
                f"({added} units added in all)"
            )
            print("targets: " + ("all met" if met and all(matches) else "NOT all met"))


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    asyncio.run(main())
