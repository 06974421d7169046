"""How much parsing and validation cost a small query, with the platform's extensions.

Runs the catalog schema in-process (no HTTP, no database: the product asked for
cannot exist, so its resolver returns before any SQL), so what is measured is
Strawberry's per-request work: parse, validate, execute, extensions. Prints
operations per second and how many times graphql-core's `validate` actually ran.

    .venv/bin/python -m bench.graphql_overhead [--requests 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import time
from datetime import UTC, datetime
from typing import Any

import strawberry.schema.schema as strawberry_schema_module

from subgraphs.catalog.graphql.schema import schema

# A small storefront query. An id that is not a UUID finds nothing without any
# SQL, so only the GraphQL work is timed.
QUERY = """
query ProductPage($id: ID!) {
  product(id: $id) {
    id name slug description price { amount currencyCode } stock inStock
    category { id name parent { name } }
  }
}
"""


class _Context:
    principal = None
    auth_error = None
    services: dict[str, Any] = {"name": "catalog"}


def _count_validations() -> list[int]:
    """Count real validations: the cache wraps this function on first use, so
    each call that reaches it is a cache miss."""
    calls = [0]
    original = strawberry_schema_module.validate_document

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    strawberry_schema_module.validate_document = counting  # type: ignore[attr-defined]
    return calls


async def _run(requests: int) -> float:
    started = time.perf_counter()
    for _ in range(requests):
        result = await schema.execute(
            QUERY, variable_values={"first": 101}, context_value=_Context()
        )
        assert result.errors  # BAD_USER_INPUT from the page-size cap: no SQL ran
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    calls = _count_validations()
    asyncio.run(_run(50))  # warm-up
    calls[0] = 0
    elapsed = asyncio.run(_run(args.requests))
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
        f"python {platform.python_version()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    print(
        f"{args.requests} operations in {elapsed:.2f} s: "
        f"{args.requests / elapsed:,.0f} ops/s, {elapsed / args.requests * 1e6:,.0f} µs each"
    )
    print(f"graphql-core validate ran {calls[0]} times for {args.requests} identical operations")


if __name__ == "__main__":
    main()
