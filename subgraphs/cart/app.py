"""The cart service app: Redis only, no database of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from shared.app import ServiceDefinition, ServiceState, create_service_app
from shared.internal import InternalClient
from subgraphs.cart.catalog import CatalogProducts
from subgraphs.cart.events import cart_consumer
from subgraphs.cart.graphql.schema import schema
from subgraphs.cart.service import CartService
from subgraphs.cart.settings import cart_settings
from subgraphs.cart.store import CartStore


def create_app() -> FastAPI:
    @asynccontextmanager
    async def cart_components(state: ServiceState) -> AsyncIterator[None]:
        settings = cart_settings()
        internal = InternalClient(caller="cart")
        state.extras["cart"] = CartService(
            CartStore(state.redis, ttl_seconds=settings.ttl_seconds),
            CatalogProducts(internal.service("catalog"), settings.catalog_timeout_seconds),
            settings,
        )
        try:
            yield
        finally:
            await internal.aclose()

    # Consumers start after the lifespans, so the service exists when they run.
    consumer = cart_consumer(lambda: app.state.service.extras["cart"])
    app = create_service_app(
        ServiceDefinition(
            name="cart", schema=schema, lifespans=[cart_components], consumers=[consumer]
        )
    )
    return app
