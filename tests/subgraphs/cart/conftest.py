"""A cart subgraph with a real, seeded catalog behind it over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from shared.services import service
from subgraphs.catalog.seed import seed
from tests.support.http_server import serve
from tests.support.services import RunningService, running_service


@pytest.fixture
async def catalog_url(catalog: RunningService) -> AsyncIterator[str]:
    assert catalog.state.engine is not None
    await seed(catalog.state.engine.url.render_as_string(hide_password=False))
    async with serve(catalog.app) as url:
        yield url


async def cart_with_catalog_at(url: str, redis_url: str) -> AsyncIterator[RunningService]:
    env = {"MINISHOP_SERVICE_CATALOG_URL": url}
    async with running_service(
        service("cart"), database_url=None, redis_url=redis_url, env=env
    ) as cart:
        yield cart


@pytest.fixture
async def cart(catalog_url: str, redis_url: str) -> AsyncIterator[RunningService]:
    async for running in cart_with_catalog_at(catalog_url, redis_url):
        yield running
