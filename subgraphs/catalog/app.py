"""The catalog service app."""

from __future__ import annotations

from fastapi import FastAPI

from shared.app import ServiceDefinition, create_service_app
from subgraphs.catalog.graphql.schema import schema
from subgraphs.catalog.settings import catalog_settings


def create_app() -> FastAPI:
    return create_service_app(
        ServiceDefinition(name="catalog", schema=schema, settings=catalog_settings())
    )
