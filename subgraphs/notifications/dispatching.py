"""The dispatcher's loop: runs beside the event consumers for the app's whole life.

It sends what is due, goes straight on while there is more, and otherwise
waits `interval_seconds` before looking again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from subgraphs.notifications.service.dispatch import Dispatcher

logger = logging.getLogger("minishop.notifications.dispatching")

STOP_GRACE_SECONDS = 5.0


@asynccontextmanager
async def dispatching(
    dispatcher: Dispatcher, *, interval_seconds: float, batch: int
) -> AsyncIterator[None]:
    stopping = asyncio.Event()

    async def run() -> None:
        while not stopping.is_set():
            tried = 0
            try:
                tried = await dispatcher.dispatch_due()
            except Exception:
                # The database is away, most likely: the next round tries again.
                logger.exception("dispatching messages failed")
            if tried >= batch:
                continue  # a backlog: no pause between batches
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=interval_seconds)

    task = asyncio.create_task(run(), name="notifications-dispatcher")
    try:
        yield
    finally:
        stopping.set()
        # The message in hand finishes (its SMTP call has its own timeout).
        done, _ = await asyncio.wait({task}, timeout=STOP_GRACE_SECONDS)
        if not done:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
