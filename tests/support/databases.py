"""Real Postgres and Redis for the tests: started once per test run, or taken
from DATABASE_URL / REDIS_URL; each test gets a fresh database cloned from a
migrated template, so tests never see each other's rows."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field

import asyncpg
from pydantic_settings import SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db.engine import create_engine
from shared.db.migrations import upgrade
from shared.db.urls import asyncpg_url
from shared.devstack.postgres import database_url
from shared.services import ServiceSpec
from shared.settings import ServiceSettings


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class DatabaseFactory:
    """Makes per-test databases from one migrated template per service."""

    server_url: str
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    _templates: dict[str, str] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def _execute(self, sql: str) -> None:
        connection = await asyncpg.connect(asyncpg_url(self.server_url))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    async def template(self, spec: ServiceSpec) -> str:
        async with self._lock:
            if spec.name not in self._templates:
                name = f"tmpl_{spec.name}_{self.run_id}"
                await self._execute(f"CREATE DATABASE {_quoted(name)}")
                # Alembic runs its own event loop: keep it off this one.
                await asyncio.to_thread(upgrade, spec, database_url(self.server_url, name))
                self._templates[spec.name] = name
            return self._templates[spec.name]

    async def create(self, spec: ServiceSpec) -> str:
        """A fresh, migrated database for one test; returns its asyncpg URL."""
        template = await self.template(spec)
        name = f"t_{spec.name}_{self.run_id}_{uuid.uuid4().hex[:10]}"
        await self._execute(f"CREATE DATABASE {_quoted(name)} TEMPLATE {_quoted(template)}")
        return database_url(self.server_url, name)

    async def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        await self._execute(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")

    async def drop_templates(self) -> None:
        for name in self._templates.values():
            await self._execute(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")


def platform_engine(postgres_url: str, service: str) -> AsyncEngine:
    """The platform's engine (shared/db/engine.py, its pool listeners and all)
    on `postgres_url`, for a service called `service` (its env prefix, its labels)."""

    class _Settings(ServiceSettings):
        model_config = SettingsConfigDict(env_prefix=f"{service.upper()}_", extra="ignore")

    url = make_url(postgres_url).set(drivername="postgresql+asyncpg")
    return create_engine(_Settings(database_url=url.render_as_string(hide_password=False)))
