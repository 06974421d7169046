"""Checkout through the gateway at 1, 8 and 16 concurrent buyers.

    .venv/bin/python -m bench.checkout [--seconds 20] [--levels 1,8,16] [--products 40]

Starts the whole stack (`minishop up --throwaway-data` on free ports, rate limits
off), creates products with ample stock, and signs up one shopper per concurrent
buyer. Each buyer loops: put 1-3 random products in the cart (not timed), then
check out with a fresh idempotency key, card `tok_visa`, a random shipping method
(timed). Inputs differ on every request, so the gateway merges nothing. Prints
checkouts per second and p50/p95/p99 per level, with errors, the machine and the date.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

import httpx

from bench.client import ADD, Gateway, GraphQLFailure, machine
from bench.stack import running_stack

CREATE = """mutation($input: ProductCreateInput!) {
  createProduct(input: $input) { product { id } userErrors { code } } }"""
CHECKOUT = """mutation($input: CheckoutInput!) {
  checkout(input: $input) { order { id status total { amount } } userErrors { code } } }"""
ADDRESS = {
    "fullName": "Bench Buyer",
    "line1": "1 Load Lane",
    "city": "Benchville",
    "postalCode": "10001",
    "country": "US",
}


@dataclass
class Level:
    buyers: int
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        ordered = sorted(self.latencies)

        def pct(p: float) -> float:
            return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0

        rate = len(ordered) / self.seconds if self.seconds else 0
        mean = statistics.fmean(ordered) * 1000 if ordered else 0
        return (
            f"{self.buyers:>3} buyers: {len(ordered):>5} checkouts in {self.seconds:5.1f} s = "
            f"{rate:6.1f}/s  p50 {pct(0.50):6.1f} ms  p95 {pct(0.95):6.1f} ms  "
            f"p99 {pct(0.99):6.1f} ms  mean {mean:6.1f} ms  "
            f"errors {self.errors}"
        )


async def prepare(
    gateway: Gateway, admin_email: str, admin_password: str, products: int, buyers: int
) -> tuple[list[str], list[str]]:
    admin = await gateway.login(admin_email, admin_password)
    product_ids = []
    for index in range(products):
        tag = uuid.uuid4().hex[:8]
        created = await gateway.call(
            CREATE,
            {
                "input": {
                    "sku": f"BENCH-{tag}".upper(),
                    "name": f"Bench product {index} {tag}",
                    "price": str(Decimal(random.randint(100, 9999)) / 100),
                    "initialStock": 1_000_000,
                }
            },
            admin,
        )
        product_ids.append(created["createProduct"]["product"]["id"])

    tokens = await asyncio.gather(*(gateway.sign_up(f"bench-{i}") for i in range(buyers)))
    return product_ids, list(tokens)


async def buyer_loop(
    gateway: Gateway, token: str, products: list[str], level: Level, deadline: float
) -> None:
    while time.monotonic() < deadline:
        try:
            for product in random.sample(products, random.randint(1, 3)):
                await gateway.call(
                    ADD, {"productId": product, "quantity": random.randint(1, 3)}, token
                )
            variables = {
                "input": {
                    "shippingAddress": ADDRESS,
                    "shippingMethod": random.choice(["STANDARD", "EXPRESS"]),
                    "paymentToken": "tok_visa",
                    "idempotencyKey": uuid.uuid4().hex,
                }
            }
            started = time.perf_counter()
            data = await gateway.call(CHECKOUT, variables, token)
            elapsed = time.perf_counter() - started
            payload = data["checkout"]
            if payload["userErrors"] or payload["order"]["status"] != "PAID":
                level.errors += 1
            else:
                level.latencies.append(elapsed)
        except (GraphQLFailure, httpx.HTTPError):
            level.errors += 1


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--levels", default="1,8,16")
    parser.add_argument("--products", type=int, default=40)
    args = parser.parse_args()
    levels = [int(n) for n in args.levels.split(",")]
    print(f"checkout benchmark: {machine()}", flush=True)
    async with running_stack(
        {"MINISHOP_RATE_LIMITS": "off", "MINISHOP_LOG_LEVEL": "WARNING"}
    ) as stack:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        async with httpx.AsyncClient(timeout=60, limits=limits, trust_env=False) as http:
            gateway = Gateway(http, stack.gateway_url)
            products, tokens = await prepare(
                gateway,
                stack.config.admin_email,
                stack.config.admin_password,
                args.products,
                max(levels),
            )
            warm = Level(1)
            await buyer_loop(gateway, tokens[0], products, warm, time.monotonic() + 3)
            for buyers in levels:
                level = Level(buyers)
                started = time.monotonic()
                deadline = started + args.seconds
                await asyncio.gather(
                    *(
                        buyer_loop(gateway, tokens[i], products, level, deadline)
                        for i in range(buyers)
                    )
                )
                level.seconds = time.monotonic() - started
                print(level.line(), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
