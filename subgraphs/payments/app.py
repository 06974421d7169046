"""The payments service app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import FastAPI

from shared.app import ServiceDefinition, ServiceState, create_service_app
from subgraphs.payments.graphql.schema import schema
from subgraphs.payments.internal.routes import payments_router
from subgraphs.payments.service import PaymentsServices
from subgraphs.payments.service.processor import HttpProcessor
from subgraphs.payments.settings import payments_settings
from subgraphs.payments.sweep import settling_refunds


@asynccontextmanager
async def payments_parts(state: ServiceState[Any]) -> AsyncIterator[PaymentsServices]:
    assert state.sessionmaker is not None
    settings = payments_settings()
    processor = HttpProcessor(settings)
    try:
        yield PaymentsServices.build(state.sessionmaker, processor, settings)
    finally:
        await processor.aclose()


def refund_sweep(services: PaymentsServices) -> AbstractAsyncContextManager[None]:
    return settling_refunds(
        services.refunds, interval_seconds=payments_settings().refund_sweep_seconds
    )


def create_app() -> FastAPI:
    return create_service_app(
        ServiceDefinition(
            name="payments",
            schema=schema,
            settings=payments_settings(),
            parts=payments_parts,
            routers=[payments_router],
            background=[refund_sweep],
        )
    )
