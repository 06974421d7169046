"""The periodic sweep that releases reservations past their deadline.

Runs inside the catalog app for its whole life. Several replicas may sweep at
once: each claims due holds with SKIP LOCKED, so no hold is released twice.
Reserving also sweeps the products it finds short, so an expired hold never
blocks a sale while it waits for the next round.
"""

from __future__ import annotations

import logging
from contextlib import AbstractAsyncContextManager

from shared.periodic import PeriodicJob, running
from subgraphs.catalog.service.reservations import ReservationService

logger = logging.getLogger("minishop.catalog.expiry")


async def sweep(service: ReservationService, batch: int) -> int:
    """Release every due hold, a batch per transaction; returns how many."""
    total = 0
    while True:
        released = await service.expire_due()
        total += released
        if released < batch:
            return total


def expiring_reservations(
    service: ReservationService, *, interval_seconds: float, batch: int
) -> AbstractAsyncContextManager[None]:
    async def round_() -> None:
        if released := await sweep(service, batch):
            logger.info("released %d expired reservations", released)

    return running(
        PeriodicJob(
            "catalog-reservation-expiry",
            round_,
            interval_seconds=interval_seconds,
            failure="reservation expiry sweep failed",
            logger=logger,
        )
    )
