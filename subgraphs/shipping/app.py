"""The shipping service app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from shared.app import ServiceDefinition, ServiceState, create_service_app
from subgraphs.shipping.events import shipping_consumer
from subgraphs.shipping.graphql.schema import schema
from subgraphs.shipping.internal.routes import quotes_router
from subgraphs.shipping.service import ShippingServices
from subgraphs.shipping.settings import shipping_settings


@asynccontextmanager
async def shipping_parts(state: ServiceState[Any]) -> AsyncIterator[ShippingServices]:
    assert state.sessionmaker is not None
    yield ShippingServices.build(state.sessionmaker, shipping_settings())


def create_app() -> FastAPI:
    return create_service_app(
        ServiceDefinition(
            name="shipping",
            schema=schema,
            settings=shipping_settings(),
            parts=shipping_parts,
            routers=[quotes_router],
            consumers=lambda parts: [shipping_consumer(parts)],
        )
    )
