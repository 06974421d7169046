"""Per test: a producer database (outbox), a consumer database (processed
events and the `applied_effects` test table) and an emptied Redis database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from shared.db.engine import create_sessionmaker
from shared.redis import create_redis
from shared.services import service
from tests.events.support import EFFECTS_DDL
from tests.support.databases import DatabaseFactory


@pytest.fixture
async def producer_url(databases: DatabaseFactory) -> AsyncIterator[str]:
    url = await databases.create(service("accounts"))
    yield url
    await databases.drop(url)


@pytest.fixture
async def consumer_url(databases: DatabaseFactory) -> AsyncIterator[str]:
    url = await databases.create(service("catalog"))
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text(EFFECTS_DDL))
    await engine.dispose()
    yield url
    await databases.drop(url)


@pytest.fixture
async def producer(producer_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(producer_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def consumer_db(consumer_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(consumer_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(consumer_db: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(consumer_db)


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = create_redis(redis_url)
    yield client
    await client.aclose()
