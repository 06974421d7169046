"""One running subgraph per test, on its own fresh database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from shared.services import service
from tests.support.databases import DatabaseFactory
from tests.support.services import RunningService, running_service


async def _run(
    name: str, databases: DatabaseFactory, redis_url: str
) -> AsyncIterator[RunningService]:
    spec = service(name)
    url = await databases.create(spec)
    try:
        async with running_service(spec, database_url=url, redis_url=redis_url) as running:
            yield running
    finally:
        await databases.drop(url)


@pytest.fixture
async def accounts(databases: DatabaseFactory, redis_url: str) -> AsyncIterator[RunningService]:
    async for running in _run("accounts", databases, redis_url):
        yield running


@pytest.fixture
async def catalog(databases: DatabaseFactory, redis_url: str) -> AsyncIterator[RunningService]:
    async for running in _run("catalog", databases, redis_url):
        yield running
