"""Test-run fixtures: real Postgres and Redis, and per-test databases."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from redis.asyncio import Redis

from shared.devstack.postgres import EmbeddedPostgres
from shared.devstack.process import free_port
from shared.devstack.redis import EmbeddedRedis
from tests.support.databases import DatabaseFactory

_redis_databases = itertools.count()


@contextmanager
def _server_root(prefix: str) -> Iterator[Path]:
    """A folder of our own, outside pytest's basetemp: pytest prunes old basetemps,
    which must never pull the data directory from under a running server."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
async def postgres_url() -> AsyncIterator[str]:
    """A Postgres server URL: DATABASE_URL when given, else an embedded server."""
    if given := os.environ.get("DATABASE_URL"):
        yield given
        return
    with _server_root("minishop-test-postgres-") as root:
        server = EmbeddedPostgres(
            data_dir=root / "data", port=free_port(), log_path=root / "postgres.log", durable=False
        )
        async with server:
            yield server.url


@pytest.fixture(scope="session")
async def redis_server_url() -> AsyncIterator[str]:
    if given := os.environ.get("REDIS_URL"):
        yield given
        return
    with _server_root("minishop-test-redis-") as root:
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
