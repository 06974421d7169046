"""The periodic sweep that finishes refunds whose outcome was left unknown.

Runs beside the event relay for the app's whole life. Replicas sweeping at
once ask the processor with the same refund key (it refunds once) and only
the first to take the payment's lock writes the outcome.
"""

from __future__ import annotations

import logging
from contextlib import AbstractAsyncContextManager
from datetime import timedelta

from shared.periodic import PeriodicJob, running
from subgraphs.payments.service.refunds import RefundService

logger = logging.getLogger("minishop.payments.sweep")


def settling_refunds(
    service: RefundService, *, interval_seconds: float
) -> AbstractAsyncContextManager[None]:
    async def round_() -> None:
        if settled := await service.settle_pending(timedelta(seconds=interval_seconds)):
            logger.info("settled %d pending refunds", settled)

    return running(
        PeriodicJob(
            "payments-refund-sweep",
            round_,
            interval_seconds=interval_seconds,
            failure="pending refund sweep failed",
            logger=logger,
        )
    )
