"""The orders service app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from shared.app import ServiceDefinition, ServiceState, create_service_app
from shared.internal import InternalClient, RetryPolicy
from subgraphs.orders.events import orders_consumer
from subgraphs.orders.graphql.schema import schema
from subgraphs.orders.service import OrdersServices
from subgraphs.orders.service.recovery import recovering
from subgraphs.orders.settings import orders_settings


@asynccontextmanager
async def orders_parts(state: ServiceState[Any]) -> AsyncIterator[OrdersServices]:
    assert state.sessionmaker is not None
    settings = orders_settings()
    peers = InternalClient(caller="orders")
    charging_http = httpx.AsyncClient(
        timeout=httpx.Timeout(settings.payments_timeout_seconds, connect=1.0)
    )
    charging = InternalClient(caller="orders", retry=RetryPolicy(attempts=1), http=charging_http)
    try:
        yield OrdersServices.build(state.sessionmaker, settings, peers=peers, charging=charging)
    finally:
        await peers.aclose()
        await charging_http.aclose()


def recovery_job(services: OrdersServices) -> AbstractAsyncContextManager[None]:
    return recovering(
        services.recovery, interval_seconds=services.settings.recovery_interval_seconds
    )


def create_app() -> FastAPI:
    return create_service_app(
        ServiceDefinition(
            name="orders",
            schema=schema,
            settings=orders_settings(),
            parts=orders_parts,
            consumers=lambda services: [orders_consumer(services.payments)],
            background=[recovery_job],
        )
    )
