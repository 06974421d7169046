"""Sessions for reads of one statement: no transaction around them.

A plain session wraps its first statement in BEGIN … ROLLBACK: two round trips
more than the statement itself. A read of one statement is atomic on its own,
so the graph's reads run in autocommit; writes keep their transactions.

`reading_rows` skips the ORM session too, for reads of plain rows (Core
`select`s of columns): the session's path (its connection set-up and execute)
held about a fifth of the catalog's profile samples on its product page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

AUTOCOMMIT = {"isolation_level": "AUTOCOMMIT"}


@asynccontextmanager
async def reading(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session whose statements each run on their own (no BEGIN/ROLLBACK)."""
    async with sessionmaker() as session:
        await session.connection(execution_options=AUTOCOMMIT)
        yield session


@asynccontextmanager
async def reading_rows(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncConnection]:
    """A pooled connection in autocommit, for Core reads that return rows."""
    engine: AsyncEngine = sessionmaker.kw["bind"]
    async with engine.connect() as connection:
        yield await connection.execution_options(**AUTOCOMMIT)
