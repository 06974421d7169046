"""A Postgres and a Redis of a test module's own, which its tests may stop and
start again (the session-wide servers are shared with every other test)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from shared.db.urls import asyncpg_url
from shared.devstack.postgres import EmbeddedPostgres
from shared.devstack.process import free_port
from shared.devstack.redis import EmbeddedRedis
from tests.support.databases import DatabaseFactory


@dataclass
class Backends:
    postgres: EmbeddedPostgres
    redis: EmbeddedRedis
    databases: DatabaseFactory

    @property
    def redis_url(self) -> str:
        return self.redis.url

    async def restore(self) -> None:
        """Both servers running again (after a test that stopped one and failed)."""
        if not self.postgres.running:
            await self.postgres.start()
        if not self.redis.running:
            await self.redis.start()


@asynccontextmanager
async def dedicated_backends() -> AsyncIterator[Backends]:
    """Start both servers; Redis keeps an append-only file, so what was stored
    before a stop is there after the start, as in production."""
    root = Path(tempfile.mkdtemp(prefix="minishop-faults-"))
    postgres = EmbeddedPostgres(
        data_dir=root / "pg", port=free_port(), log_path=root / "postgres.log", durable=False
    )
    redis = EmbeddedRedis(
        data_dir=root / "redis", port=free_port(), log_path=root / "redis.log", persistent=True
    )
    try:
        async with postgres, redis:
            factory = DatabaseFactory(postgres.url)
            yield Backends(postgres, redis, factory)
    finally:
        shutil.rmtree(root, ignore_errors=True)


async def fetch_value(database_url: str, sql: str, *args: object) -> object:
    """One value read straight from a service's database (not through the service)."""
    connection = await asyncpg.connect(asyncpg_url(database_url))
    try:
        return await connection.fetchval(sql, *args)
    finally:
        await connection.close()
