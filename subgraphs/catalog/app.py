"""The catalog service app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from shared.app import ServiceDefinition, ServiceState, create_service_app
from subgraphs.catalog.expiry import expiring_reservations
from subgraphs.catalog.graphql.schema import schema
from subgraphs.catalog.internal.routes import products_router, reservations_router
from subgraphs.catalog.service import CatalogServices
from subgraphs.catalog.settings import catalog_settings


@asynccontextmanager
async def catalog_components(state: ServiceState) -> AsyncIterator[None]:
    settings = catalog_settings()
    assert state.sessionmaker is not None
    services = CatalogServices.build(state.sessionmaker, settings)
    state.extras["catalog"] = services
    async with expiring_reservations(
        services.reservations,
        interval_seconds=settings.reservation_sweep_seconds,
        batch=settings.reservation_sweep_batch,
    ):
        yield


def create_app() -> FastAPI:
    return create_service_app(
        ServiceDefinition(
            name="catalog",
            schema=schema,
            settings=catalog_settings(),
            routers=[reservations_router, products_router],
            lifespans=[catalog_components],
        )
    )
