"""Helpers of the payments tests: the processor over HTTP, orders' calls, SQL."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import uvicorn
from fastapi import FastAPI

from subgraphs.payments.processor.app import create_app
from tests.support.services import RunningService, mint_token, service_headers

ADMIN_ID = "00000000-0000-0000-0000-0000000000ad"
BUYER_ID = "00000000-0000-0000-0000-0000000000b1"
OTHER_ID = "00000000-0000-0000-0000-0000000000c2"
ADMIN = mint_token(ADMIN_ID, roles=["CUSTOMER", "ADMIN"])
BUYER = mint_token(BUYER_ID)
OTHER = mint_token(OTHER_ID)
START_TIMEOUT_SECONDS = 10.0


@dataclass
class Processor:
    url: str
    app: FastAPI

    async def charges(self) -> list[dict[str, Any]]:
        async with httpx.AsyncClient(base_url=self.url) as http:
            response = await http.get("/v1/_control/charges")
        response.raise_for_status()
        charges: list[dict[str, Any]] = response.json()["charges"]
        return charges

    async def delay(self, seconds: float, count: int) -> None:
        async with httpx.AsyncClient(base_url=self.url) as http:
            response = await http.post(
                "/v1/_control/delay", json={"seconds": seconds, "count": count}
            )
        response.raise_for_status()


@asynccontextmanager
async def serve_processor(port: int, app: FastAPI | None = None) -> AsyncIterator[Processor]:
    """The mock processor on a real 127.0.0.1 port (the same app again keeps its records)."""
    app = app or create_app()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_config=None)
    )
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(START_TIMEOUT_SECONDS):
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
    try:
        yield Processor(f"http://127.0.0.1:{port}", app)
    finally:
        server.should_exit = True
        await task


def orders_headers(caller: str = "orders") -> dict[str, str]:
    return service_headers(caller, "payments")


def charge_body(**overrides: Any) -> dict[str, Any]:
    return {
        "order_id": str(uuid.uuid4()),
        "user_id": BUYER_ID,
        "amount": "100.00",
        "currency": "USD",
        "payment_token": "tok_visa",
        **overrides,
    }


async def charge(payments: RunningService, **overrides: Any) -> httpx.Response:
    return await payments.http.post(
        "/internal/payments", json=charge_body(**overrides), headers=orders_headers()
    )


async def paid(payments: RunningService, **overrides: Any) -> dict[str, Any]:
    """A SUCCEEDED payment (its internal answer)."""
    response = await charge(payments, **overrides)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == "SUCCEEDED", body
    return body


async def by_order(payments: RunningService, order_id: str) -> httpx.Response:
    return await payments.http.get(
        f"/internal/payments/by-order/{order_id}", headers=orders_headers()
    )


async def refund_order(payments: RunningService, **body: Any) -> httpx.Response:
    return await payments.http.post(
        "/internal/payments/refund-order", json=body, headers=orders_headers()
    )


def database_url(service: RunningService) -> str:
    assert service.state.engine is not None
    url = service.state.engine.url.render_as_string(hide_password=False)
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def sql(service: RunningService, query: str, *args: Any) -> list[asyncpg.Record]:
    """Read the service's database directly, outside its engine and counters."""
    connection = await asyncpg.connect(database_url(service))
    try:
        return list(await connection.fetch(query, *args))
    finally:
        await connection.close()


async def table_counts(service: RunningService) -> dict[str, int]:
    tables = ("payments", "refunds", "outbox")
    rows = await sql(
        service,
        # Fixed table names, not input.
        " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables),  # noqa: S608
    )
    return {row[0]: row[1] for row in rows}


async def events(service: RunningService, type_: str) -> list[dict[str, Any]]:
    rows = await sql(service, "SELECT envelope FROM outbox WHERE type = $1 ORDER BY seq", type_)
    return [json.loads(row[0])["data"] for row in rows]
