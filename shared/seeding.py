"""Runs a service's idempotent seed against its database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool


@asynccontextmanager
async def seed_session(database_url: str) -> AsyncIterator[AsyncSession]:
    """One transaction for the whole seed: a failed seed leaves nothing behind."""
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False).begin() as session:
            yield session
    finally:
        await engine.dispose()
