"""The cart service app: Redis only, no database of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from shared.app import ServiceDefinition, ServiceState, create_service_app
from shared.internal import InternalClient
from subgraphs.cart.clients.catalog import CatalogProducts
from subgraphs.cart.events import cart_consumer
from subgraphs.cart.graphql.schema import schema
from subgraphs.cart.internal.routes import carts_router
from subgraphs.cart.service import CartServices
from subgraphs.cart.settings import cart_settings


@asynccontextmanager
async def cart_parts(state: ServiceState[Any]) -> AsyncIterator[CartServices]:
    settings = cart_settings()
    internal = InternalClient(caller="cart")
    try:
        catalog = CatalogProducts(internal.service("catalog"), settings.catalog_timeout_seconds)
        yield CartServices.build(state.redis, catalog, settings)
    finally:
        await internal.aclose()


def create_app() -> FastAPI:
    return create_service_app(
        ServiceDefinition(
            name="cart",
            schema=schema,
            parts=cart_parts,
            routers=[carts_router],
            consumers=lambda service: [cart_consumer(service)],
        )
    )
