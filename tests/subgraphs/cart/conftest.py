"""A cart subgraph with a real, seeded catalog behind it over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from fastapi import FastAPI, Request, Response
from starlette.middleware.base import RequestResponseEndpoint

from shared.devstack.process import free_port
from shared.services import service
from subgraphs.catalog.seed import seed
from tests.support.http_server import serve
from tests.support.services import RunningService, running_service


@pytest.fixture
async def seeded_catalog(catalog: RunningService) -> RunningService:
    assert catalog.state.engine is not None
    await seed(catalog.state.engine.url.render_as_string(hide_password=False))
    return catalog


@pytest.fixture
async def catalog_url(seeded_catalog: RunningService) -> AsyncIterator[str]:
    async with serve(seeded_catalog.app) as url:
        yield url


async def cart_with_catalog_at(url: str, redis_url: str) -> AsyncIterator[RunningService]:
    env = {"MINISHOP_SERVICE_CATALOG_URL": url}
    async with running_service(
        service("cart"), database_url=None, redis_url=redis_url, env=env
    ) as cart:
        yield cart


LOOKUP_PATH = "/internal/products/lookup"


class LookupHook:
    """Counts the catalog's product look-ups, and runs `before_next_lookup` once, when
    the catalog has received one and before it answers: the moment a cart change
    waits on the catalog."""

    def __init__(self) -> None:
        self.before_next_lookup: Callable[[], Awaitable[None]] | None = None
        self.ran = False
        self.lookups = 0

    def app_around(self, catalog: FastAPI) -> FastAPI:
        outer = FastAPI()

        @outer.middleware("http")
        async def hook(request: Request, call_next: RequestResponseEndpoint) -> Response:
            if request.url.path == LOOKUP_PATH:
                self.lookups += 1
            action = self.before_next_lookup
            if action is not None and request.url.path == LOOKUP_PATH:
                self.before_next_lookup = None
                await action()
                self.ran = True
            return await call_next(request)

        outer.mount("/", catalog)
        return outer


@pytest.fixture
def lookup_hook() -> LookupHook:
    return LookupHook()


@pytest.fixture
async def hooked_cart(
    seeded_catalog: RunningService, lookup_hook: LookupHook, redis_url: str
) -> AsyncIterator[RunningService]:
    """A cart whose catalog (the real one) runs `lookup_hook` before answering."""
    async with serve(lookup_hook.app_around(seeded_catalog.app)) as url:
        async for running in cart_with_catalog_at(url, redis_url):
            yield running


@pytest.fixture
async def cart(catalog_url: str, redis_url: str) -> AsyncIterator[RunningService]:
    async for running in cart_with_catalog_at(catalog_url, redis_url):
        yield running


@pytest.fixture
async def bare_cart(redis_url: str) -> AsyncIterator[RunningService]:
    """For what never asks the catalog: reads, clearing, the internal API's guards."""
    async for running in cart_with_catalog_at(f"http://127.0.0.1:{free_port()}", redis_url):
        yield running
