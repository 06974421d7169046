"""Hive Gateway's two query planners on our supergraph, in one run.

    bench/setup.sh                      # once: installs wrk, the load generator
    .venv/bin/python -m bench.gateway_planner [--rounds 5] [--seconds 6] [--connections 16]

Starts the whole stack (its gateway on the JavaScript planner, the default)
and, beside it, in front of the same subgraphs, a second gateway on the same
planner (the noise floor between two identical gateways) and one on the Rust
planner (`MINISHOP_QUERY_PLANNER=rust`). Then, driven by wrk
with a random body out of hundreds on every request, in interleaved rounds
(bench/reads.py's machinery):

- the catalog page, `products(first: 20, filter: {categoryId})`, one subgraph
  call, at `--connections` and at 1;
- the cart page of a 10-line cart (`me { cart { ... lineTotal ... subtotal } }`:
  accounts, cart, then the catalog's prices by `@requires`), 30 shoppers, at 1.

Prints each target's medians with the CPU each gateway used per request, and
Rust against JavaScript: throughput, p50 and gateway CPU. It also counts the
cart pages whose products came back null (the Rust planner's defect here).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
from pathlib import Path

import httpx

from bench.client import Gateway, machine
from bench.processes import gateway_process
from bench.reads import (
    CART_PAGE,
    SERVERS,
    Target,
    cart_bodies,
    difference,
    first_product_ids,
    interleaved,
    more_categories,
    more_products,
    page_bodies,
    ratio,
    shoppers,
    wait_up,
)
from bench.stack import running_stack
from bench.wrk import WrkResult
from shared.services import service

CART_LINES = 10


def _rate(run: WrkResult) -> float:
    return run.rate


def _p50(run: WrkResult) -> float:
    return run.p50_ms


def report(title: str, targets: dict[str, Target]) -> None:
    """Each target with its own gateway's CPU, then each against the stack's gateway."""
    print(title, flush=True)
    for planner, target in targets.items():
        print(f"{target.line()}  own gateway {target.cpu_ms(planner):.2f} ms", flush=True)
    base = targets["javascript"]
    comparisons = (
        ("javascript twin", "noise (two JavaScript-planner gateways)"),
        ("rust", "Rust vs JavaScript"),
    )
    for planner, name in comparisons:
        other = targets[planner]
        cpu = statistics.median(
            mine[planner] / theirs["javascript"]
            for mine, theirs in zip(other.cpu, base.cpu, strict=True)
        )
        print(
            f"  => {name}: throughput {ratio(other, base, _rate):.1%}, "
            f"p50 {difference(other, base, _p50):+.2f} ms, gateway CPU per request {cpu:.0%}",
            flush=True,
        )


async def null_products(gateway: Gateway, tokens: list[str]) -> int:
    """How many shoppers' cart pages came back with a product missing."""
    lost = 0
    for token in tokens:
        items = (await gateway.call(CART_PAGE, {}, token))["me"]["cart"]["items"]
        lost += any(item["product"] is None for item in items)
    return lost


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    print(f"query planners: {machine()}", flush=True)
    env = {"MINISHOP_RATE_LIMITS": "off", "MINISHOP_LOG_LEVEL": "WARNING"}
    async with running_stack(env) as stack:
        config = stack.config
        catalog_url = f"{config.service_url(service('catalog'))}/graphql"
        with (
            gateway_process(config, catalog_url, {"MINISHOP_QUERY_PLANNER": "javascript"}) as twin,
            gateway_process(config, catalog_url, {"MINISHOP_QUERY_PLANNER": "rust"}) as rust,
        ):
            urls = {"javascript": stack.gateway_url, "javascript twin": twin, "rust": rust}
            limits = httpx.Limits(max_connections=32)
            async with httpx.AsyncClient(timeout=60, limits=limits, trust_env=False) as http:
                for url in (twin, rust):
                    await wait_up(http, url)
                gateway = Gateway(http, stack.gateway_url)
                admin = await gateway.login(config.admin_email, config.admin_password)
                categories = await more_categories(gateway, admin)
                await more_products(stack.database_url(service("catalog")), categories)
                products = await first_product_ids(gateway)
                tokens = await shoppers(gateway, CART_LINES, products)
                for planner, url in urls.items():
                    lost = await null_products(Gateway(http, url), tokens)
                    print(
                        f"{planner}: {lost} of {len(tokens)} cart pages lost a product", flush=True
                    )
            folder = Path(tempfile.mkdtemp(prefix="minishop-planner-"))
            pages = page_bodies(folder / "page.txt", categories)
            carts = cart_bodies(folder / "cart.txt", tokens)
            SERVERS.clear()
            for planner, url in urls.items():
                SERVERS[planner] = int(url.rsplit(":", 1)[1].split("/")[0])
            for title, bodies, connections in (
                (f"catalog page at {args.connections} connections", pages, args.connections),
                ("catalog page at 1 connection", pages, 1),
                (f"cart page of {CART_LINES} lines at 1 connection", carts, 1),
            ):
                targets = {
                    planner: Target(f"{planner} planner, {title}", url, bodies, connections)
                    for planner, url in urls.items()
                }
                await interleaved(list(targets.values()), args.rounds, args.seconds)
                report(f"{title}: {machine()}", targets)


if __name__ == "__main__":
    asyncio.run(main())
