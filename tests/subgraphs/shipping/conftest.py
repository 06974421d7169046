"""The shipping service under test, on a fresh database, its consumer running."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from shared.services import service
from tests.support.databases import DatabaseFactory
from tests.support.services import RunningService, running_service


@asynccontextmanager
async def running_shipping(
    databases: DatabaseFactory, redis_url: str, env: dict[str, str] | None = None
) -> AsyncIterator[RunningService]:
    spec = service("shipping")
    url = await databases.create(spec)
    try:
        async with running_service(spec, database_url=url, redis_url=redis_url, env=env) as running:
            yield running
    finally:
        await databases.drop(url)


@pytest.fixture
async def shipping(databases: DatabaseFactory, redis_url: str) -> AsyncIterator[RunningService]:
    async with running_shipping(databases, redis_url) as running:
        yield running
