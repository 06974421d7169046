"""The catalog under test, with its event relay off so the outbox can be inspected."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from shared.services import service
from subgraphs.catalog.seed import seed
from tests.support.databases import DatabaseFactory
from tests.support.services import RunningService, running_service

# The relay would poll the outbox on the same engine, and its statements would
# land in the statement counts; these tests read the outbox rows themselves.
CATALOG_ENV = {"MINISHOP_EVENTS_IN_PROCESS": "false"}


@pytest.fixture
async def catalog(databases: DatabaseFactory, redis_url: str) -> AsyncIterator[RunningService]:
    spec = service("catalog")
    url = await databases.create(spec)
    try:
        async with running_service(
            spec, database_url=url, redis_url=redis_url, env=CATALOG_ENV
        ) as running:
            yield running
    finally:
        await databases.drop(url)


def database_url(catalog: RunningService) -> str:
    assert catalog.state.engine is not None
    return catalog.state.engine.url.render_as_string(hide_password=False)


@pytest.fixture
async def seeded(catalog: RunningService) -> RunningService:
    await seed(database_url(catalog))
    return catalog


def services(catalog: RunningService) -> Any:
    return catalog.state.parts
