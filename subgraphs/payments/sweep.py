"""The periodic sweep that finishes refunds whose outcome was left unknown.

Runs beside the event relay for the app's whole life. Replicas sweeping at
once ask the processor with the same refund key (it refunds once) and only
the first to take the payment's lock writes the outcome.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from subgraphs.payments.service.refunds import RefundService

logger = logging.getLogger("minishop.payments.sweep")

STOP_GRACE_SECONDS = 5.0


@asynccontextmanager
async def settling_refunds(
    service: RefundService, *, interval_seconds: float
) -> AsyncIterator[None]:
    stopping = asyncio.Event()

    async def run() -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=interval_seconds)
            if stopping.is_set():
                return
            try:
                if settled := await service.settle_pending(timedelta(seconds=interval_seconds)):
                    logger.info("settled %d pending refunds", settled)
            except Exception:
                # The next round tries again; a sweep must not take the service down.
                logger.exception("pending refund sweep failed")

    task = asyncio.create_task(run(), name="payments-refund-sweep")
    try:
        yield
    finally:
        stopping.set()
        done, _ = await asyncio.wait({task}, timeout=STOP_GRACE_SECONDS)
        if not done:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
