"""Transactions that wait for a payment's row lock, for a bounded time.

Whoever holds a payment's lock may be waiting on the processor (retries
included), longer than the statement timeout allows a lock wait; these
transactions wait up to their own limit and then answer UNAVAILABLE.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from subgraphs.payments.service.errors import unavailable

# asyncpg's SQLSTATE for a statement cancelled by its timeout.
QUERY_CANCELED = "57014"


def _sqlstate(error: DBAPIError) -> str | None:
    cause = getattr(error.orig, "__cause__", None)
    state = getattr(cause, "sqlstate", None)
    return state if isinstance(state, str) else None


@asynccontextmanager
async def waiting_transaction(
    sessionmaker: async_sessionmaker[AsyncSession], wait_seconds: float
) -> AsyncIterator[AsyncSession]:
    """A transaction whose statements may wait `wait_seconds` (for a row lock)."""
    try:
        async with sessionmaker.begin() as session:
            # SET LOCAL takes no bind parameters; the value is our own number.
            await session.execute(text(f"SET LOCAL statement_timeout = {int(wait_seconds * 1000)}"))
            yield session
    except DBAPIError as error:
        if _sqlstate(error) != QUERY_CANCELED:
            raise
        raise unavailable("Another request is working on this payment; try again.") from error
