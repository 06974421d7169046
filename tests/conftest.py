"""Test-run fixtures: real Postgres and Redis, and per-test databases."""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from shared.devstack.postgres import EmbeddedPostgres
from shared.devstack.process import free_port
from shared.devstack.redis import EmbeddedRedis
from tests.support.databases import DatabaseFactory

_redis_databases = itertools.count()


@pytest.fixture(scope="session")
async def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """A Postgres server URL: DATABASE_URL when given, else an embedded server."""
    if given := os.environ.get("DATABASE_URL"):
        yield given
        return
    root: Path = tmp_path_factory.mktemp("postgres")
    server = EmbeddedPostgres(
        data_dir=root / "data", port=free_port(), log_path=root / "postgres.log", durable=False
    )
    async with server:
        yield server.url


@pytest.fixture(scope="session")
async def redis_server_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    if given := os.environ.get("REDIS_URL"):
        yield given
        return
    root: Path = tmp_path_factory.mktemp("redis")
    server = EmbeddedRedis(
        data_dir=root / "data", port=free_port(), log_path=root / "redis.log", persistent=False
    )
    async with server:
        yield server.url


@pytest.fixture(scope="session")
async def databases(postgres_url: str) -> AsyncIterator[DatabaseFactory]:
    factory = DatabaseFactory(postgres_url)
    yield factory
    await factory.drop_templates()


@pytest.fixture
async def redis_url(redis_server_url: str) -> AsyncIterator[str]:
    """A Redis logical database of its own for this test, emptied first."""
    base = redis_server_url.rsplit("/", 1)[0]
    url = f"{base}/{next(_redis_databases) % 16}"
    client = Redis.from_url(url)
    await client.flushdb()
    await client.aclose()
    yield url
