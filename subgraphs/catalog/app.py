"""The catalog service app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import FastAPI

from shared.app import ServiceDefinition, ServiceState, create_service_app
from subgraphs.catalog.expiry import expiring_reservations
from subgraphs.catalog.graphql.schema import schema
from subgraphs.catalog.internal.routes import products_router, reservations_router
from subgraphs.catalog.service import CatalogServices
from subgraphs.catalog.settings import catalog_settings


@asynccontextmanager
async def catalog_parts(state: ServiceState[Any]) -> AsyncIterator[CatalogServices]:
    assert state.sessionmaker is not None
    yield CatalogServices.build(state.sessionmaker, catalog_settings())


def reservation_sweep(services: CatalogServices) -> AbstractAsyncContextManager[None]:
    settings = catalog_settings()
    return expiring_reservations(
        services.reservations,
        interval_seconds=settings.reservation_sweep_seconds,
        batch=settings.reservation_sweep_batch,
    )


def create_app() -> FastAPI:
    return create_service_app(
        ServiceDefinition(
            name="catalog",
            schema=schema,
            settings=catalog_settings(),
            parts=catalog_parts,
            routers=[reservations_router, products_router],
            background=[reservation_sweep],
        )
    )
