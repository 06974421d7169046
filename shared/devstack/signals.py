"""SIGINT/SIGTERM as an event that the stack's long waits race against.

The handler only records the signal. Nothing is cancelled from it, so the code
that stops the children and servers runs to the end, whatever arrives next.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable
from types import TracebackType
from typing import TypeVar

T = TypeVar("T")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopRequested(Exception):
    """A stop signal arrived: stop what was started, then exit."""


class StopSignals:
    """Records the first SIGINT/SIGTERM; use as `with StopSignals() as stop:` in a loop."""

    def __init__(self) -> None:
        self.event = asyncio.Event()
        self.received: signal.Signals | None = None

    def __enter__(self) -> StopSignals:
        loop = asyncio.get_running_loop()
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, self._on_signal, sig)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        loop = asyncio.get_running_loop()
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)

    def _on_signal(self, sig: signal.Signals) -> None:
        if self.received is None:
            self.received = sig
            self.event.set()

    @property
    def requested(self) -> bool:
        return self.event.is_set()

    def check(self) -> None:
        """Raise StopRequested if a stop signal has arrived."""
        if self.requested:
            raise StopRequested

    async def guard(self, awaitable: Awaitable[T]) -> T:
        """Await `awaitable`; if a stop signal comes first, cancel it and raise StopRequested."""
        self.check()
        work = asyncio.ensure_future(awaitable)
        stopped = asyncio.ensure_future(self.event.wait())
        try:
            await asyncio.wait({work, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (work, stopped):
                task.cancel()
            await asyncio.gather(work, stopped, return_exceptions=True)
        if work.cancelled():
            raise StopRequested
        return work.result()
