"""The periodic sweep that releases reservations past their deadline.

Runs inside the catalog app for its whole life. Several replicas may sweep at
once: each claims due holds with SKIP LOCKED, so no hold is released twice.
Reserving also sweeps the products it finds short, so an expired hold never
blocks a sale while it waits for the next round.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from subgraphs.catalog.service.reservations import ReservationService

logger = logging.getLogger("minishop.catalog.expiry")

STOP_GRACE_SECONDS = 5.0


async def sweep(service: ReservationService, batch: int) -> int:
    """Release every due hold, a batch per transaction; returns how many."""
    total = 0
    while True:
        released = await service.expire_due()
        total += released
        if released < batch:
            return total


@asynccontextmanager
async def expiring_reservations(
    service: ReservationService, *, interval_seconds: float, batch: int
) -> AsyncIterator[None]:
    stopping = asyncio.Event()

    async def run() -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=interval_seconds)
            if stopping.is_set():
                return
            try:
                if released := await sweep(service, batch):
                    logger.info("released %d expired reservations", released)
            except Exception:
                # The next round tries again; a sweep must not take the service down.
                logger.exception("reservation expiry sweep failed")

    task = asyncio.create_task(run(), name="catalog-reservation-expiry")
    try:
        yield
    finally:
        stopping.set()
        done, _ = await asyncio.wait({task}, timeout=STOP_GRACE_SECONDS)
        if not done:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
