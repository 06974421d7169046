"""Engine and session factories over asyncpg."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

from shared.settings import ServiceSettings


def create_engine(settings: ServiceSettings) -> AsyncEngine:
    if not settings.database_url:
        raise RuntimeError("the service's DATABASE_URL setting is empty")
    return _create_async_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_pre_ping=True,
        connect_args={
            "server_settings": {
                "statement_timeout": str(settings.db_statement_timeout_ms),
                "application_name": "minishop",
            }
        },
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: objects stay readable after the service commits.
    return async_sessionmaker(engine, expire_on_commit=False)
