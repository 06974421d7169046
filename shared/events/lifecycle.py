"""Background loops that stop politely: finish the unit of work in hand, then exit.

The relay and the consumers run as asyncio tasks next to a service's request
handlers (or alone in `minishop worker`). Stopping sets a flag that every wait
in their loops watches, so an idle loop exits at once; a busy one finishes its
current batch or message, and is cancelled only when the grace period runs out.
Cancelling is safe by construction: the work in hand is rolled back and stays
in the outbox or pending on the stream, so it is delivered again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable
from typing import TypeVar

logger = logging.getLogger("minishop.events")

T = TypeVar("T")


class BackgroundLoop(ABC):
    """A long-running `run()` with `start()` / `stop(grace)` around it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @abstractmethod
    async def run(self) -> None:
        """The loop; it returns once `stopping` is true."""

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def start(self) -> None:
        if self._task is not None:
            raise RuntimeError(f"{self.name} is already running")
        self._task = asyncio.create_task(self._run_logged(), name=self.name)

    async def _run_logged(self) -> None:
        try:
            await self.run()
        except asyncio.CancelledError:
            raise
        except Exception:
            # run() handles its own errors; reaching here is a bug worth a loud log.
            logger.exception("%s stopped on an unexpected error", self.name)
            raise

    async def stop(self, grace_seconds: float) -> None:
        """Ask the loop to stop; cancel it if it is still busy after the grace period."""
        self._stopping.set()
        task = self._task
        if task is None:
            return
        done, _ = await asyncio.wait({task}, timeout=grace_seconds)
        if not done:
            logger.warning("%s still busy after %.1fs: abandoning it", self.name, grace_seconds)
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task

    async def pause(self, seconds: float, wake: asyncio.Event | None = None) -> None:
        """Sleep up to `seconds`, returning early on stop (or when `wake` is set)."""
        waiters = [asyncio.ensure_future(self._stopping.wait())]
        if wake is not None:
            waiters.append(asyncio.ensure_future(wake.wait()))
        try:
            await asyncio.wait(
                waiters, timeout=max(seconds, 0), return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def unless_stopped(self, work: Awaitable[T]) -> tuple[bool, T | None]:
        """Run `work` unless a stop comes first; then `work` is cancelled.

        Returns `(True, result)` when it finished, `(False, None)` when stopped.
        """
        job = asyncio.ensure_future(work)
        stop = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({job, stop}, return_when=asyncio.FIRST_COMPLETED)
        except BaseException:
            job.cancel()  # we are being cancelled: take the work down with us
            raise
        finally:
            stop.cancel()
        if job.done():
            return True, job.result()
        job.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await job
        return False, None
