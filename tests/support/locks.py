"""Holding a service's transactions at a chosen point, to run races in a fixed order.

A test takes a row or table lock on a connection of its own, starts the
concurrent calls, waits until Postgres reports them waiting for locks (so each is
inside its transaction, past what it read), then lets them go. The interleaving
that the service's lock or constraint must survive then happens every run.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from shared.db.urls import asyncpg_url
from tests.support.services import RunningService

WAIT_SECONDS = 15.0
# Sessions of a service's request engine (shared/db/engine.py names them so).
_WAITING = """
SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND application_name = 'minishop'
  AND wait_event_type = 'Lock'
"""


def database_url(running: RunningService) -> str:
    assert running.state.engine is not None
    return asyncpg_url(running.state.engine.url.render_as_string(hide_password=False))


class Held:
    """An open transaction holding locks; `release()` commits it."""

    def __init__(self, holder: asyncpg.Connection, observer: asyncpg.Connection) -> None:
        self._holder = holder
        # Activity is read on a connection of its own: inside the holder's
        # transaction, pg_stat_activity would show one frozen snapshot.
        self._observer = observer
        self._open = True

    async def lock(self, statement: str, *args: object) -> None:
        await self._holder.execute(statement, *args)

    async def release(self) -> None:
        if self._open:
            self._open = False
            await self._holder.execute("COMMIT")

    async def waiting(self) -> int:
        """How many of the service's sessions wait for a lock right now."""
        count: int = await self._observer.fetchval(_WAITING)
        return count

    async def until_waiting(self, count: int) -> None:
        """Return once `count` sessions of the service wait for a lock."""
        deadline = time.monotonic() + WAIT_SECONDS
        while (found := await self.waiting()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{found} sessions wait for a lock, expected {count}")
            await asyncio.sleep(0.02)


@asynccontextmanager
async def holding(running: RunningService) -> AsyncIterator[Held]:
    """A transaction on the service's database, kept open until `release()` or
    the end of the block; take locks in it with `lock(...)`."""
    url = database_url(running)
    holder = await asyncpg.connect(url)
    observer = await asyncpg.connect(url)
    try:
        await holder.execute("BEGIN")
        held = Held(holder, observer)
        try:
            yield held
        finally:
            await held.release()
    finally:
        await holder.close()
        await observer.close()
