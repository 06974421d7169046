"""Jobs a service runs every few seconds for its whole life: sweeps, recovery, dispatch.

Each is a `BackgroundLoop` (shared/events/lifecycle.py): stopping wakes it from
its pause at once, and a round in hand gets a grace period before it is
cancelled. A round that fails is logged and the next one tries again: a sweep
must never take its service down.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from shared.events.lifecycle import BackgroundLoop

STOP_GRACE_SECONDS = 5.0

# One round; True when more work is waiting, so the next round starts at once.
Round = Callable[[], Awaitable[bool | None]]


class PeriodicJob(BackgroundLoop):
    """`job` every `interval_seconds`: the first round after one interval (at
    once with `at_start`), the next at once while a round reports more work."""

    def __init__(
        self,
        name: str,
        job: Round,
        *,
        interval_seconds: float,
        failure: str,
        logger: logging.Logger,
        at_start: bool = False,
    ) -> None:
        super().__init__(name)
        self._job = job
        self._interval = interval_seconds
        self._failure = failure
        self._logger = logger
        self._at_start = at_start

    async def run(self) -> None:
        more = self._at_start
        while not self.stopping:
            if not more:
                await self.pause(self._interval)
                if self.stopping:
                    return
            try:
                more = bool(await self._job())
            except Exception:
                self._logger.exception(self._failure)
                more = False


@asynccontextmanager
async def running(loop: BackgroundLoop) -> AsyncIterator[None]:
    """Runs `loop` while the block runs, and stops it (with the grace period) after."""
    loop.start()
    try:
        yield
    finally:
        await loop.stop(STOP_GRACE_SECONDS)
