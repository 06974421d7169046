"""The dispatcher's loop: runs beside the event consumers for the app's whole life.

It sends what is due, goes straight on while there is more, and otherwise
waits `interval_seconds` before looking again.
"""

from __future__ import annotations

import logging
from contextlib import AbstractAsyncContextManager

from shared.periodic import PeriodicJob, running
from subgraphs.notifications.service.dispatch import Dispatcher

logger = logging.getLogger("minishop.notifications.dispatching")


def dispatching(
    dispatcher: Dispatcher, *, interval_seconds: float, batch: int
) -> AbstractAsyncContextManager[None]:
    async def round_() -> bool:
        # A full batch means a backlog: no pause before the next one.
        return await dispatcher.dispatch_due() >= batch

    # The database is away, most likely, when a round fails: the next tries again.
    # The message in hand finishes on stop (its SMTP call has its own timeout).
    return running(
        PeriodicJob(
            "notifications-dispatcher",
            round_,
            interval_seconds=interval_seconds,
            failure="dispatching messages failed",
            logger=logger,
            at_start=True,
        )
    )
