"""Sending what is QUEUED, with retries and backoff, once per message.

Each message is claimed (`FOR UPDATE SKIP LOCKED`), sent and marked in one
transaction: another dispatcher (a second replica) skips it meanwhile, and
once it is SENT no one claims it again. A failed send is retried after
`backoff_initial · 2^(attempt-1)` seconds (at most `backoff_max`), until
`send_attempts` sends have failed: then it is FAILED, as it is at once when the
recipient is refused for good.

A process that dies after the server accepted a message and before the
commit sends it again on restart: the Message-ID (from the row's id) is the
same, so a receiving system can tell the repeat.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.db import utcnow
from subgraphs.notifications import repository
from subgraphs.notifications.models import Channel, DeliveryStatus, NotificationRow
from subgraphs.notifications.service.sending import (
    OutgoingEmail,
    OutgoingSms,
    SendFailed,
    SmsProvider,
)

logger = logging.getLogger("minishop.notifications.dispatch")


class Mailer(Protocol):
    async def send(self, email: OutgoingEmail) -> None: ...


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int
    initial_seconds: float
    max_seconds: float

    def delay(self, attempt: int) -> timedelta:
        """The wait after the `attempt`-th failed send (1-based)."""
        seconds = min(self.initial_seconds * 2 ** min(attempt - 1, 30), self.max_seconds)
        return timedelta(seconds=seconds)


class Dispatcher:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        mailer: Mailer,
        sms: SmsProvider,
        retry: RetryPolicy,
        batch: int,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._mailer = mailer
        self._sms = sms
        self._retry = retry
        self._batch = batch

    async def dispatch_due(self) -> int:
        """Send up to a batch of due messages; how many were tried."""
        tried = 0
        while tried < self._batch and await self._dispatch_one():
            tried += 1
        return tried

    async def _dispatch_one(self) -> bool:
        """Claim, send and settle one due message; False when none is due."""
        async with self._sessionmaker.begin() as session:
            now = utcnow()
            row = await repository.claim_due(session, now)
            if row is None:
                return False
            attempt = row.attempts + 1
            recipient = row.recipient
            try:
                recipient = await self._recipient(session, row)
                await self._send(row, recipient)
            except SendFailed as failed:
                await self._failed(session, row, attempt, recipient, failed, now)
            except Exception as error:
                # A fault of ours (a message that cannot be built): counted as an
                # attempt, so it ends FAILED instead of being claimed forever.
                logger.exception("sending a message raised", extra={"notification_id": str(row.id)})
                unexpected = SendFailed(f"unexpected {type(error).__name__}", permanent=False)
                await self._failed(session, row, attempt, recipient, unexpected, now)
            else:
                await repository.settle(
                    session,
                    row.id,
                    status=DeliveryStatus.SENT,
                    attempts=attempt,
                    recipient=recipient,
                    sent_at=utcnow(),
                )
        return True

    async def _recipient(self, session: AsyncSession, row: NotificationRow) -> str:
        if row.recipient:
            return row.recipient
        # An e-mail recorded before the user's contact arrived (another stream).
        contact = await repository.contact_of(session, row.user_id)
        if contact is None:
            raise SendFailed("no e-mail address known for the user yet", permanent=False)
        return contact.email

    async def _send(self, row: NotificationRow, recipient: str) -> None:
        if row.channel == Channel.EMAIL:
            await self._mailer.send(
                OutgoingEmail(
                    id=str(row.id),
                    to=recipient,
                    subject=row.subject or "",
                    body=row.body,
                    created_at=row.created_at,
                    kind=row.kind,
                )
            )
        else:
            await self._sms.send(OutgoingSms(id=str(row.id), to=recipient, body=row.body))

    async def _failed(
        self,
        session: AsyncSession,
        row: NotificationRow,
        attempt: int,
        recipient: str,
        failed: SendFailed,
        now: datetime,
    ) -> None:
        final = failed.permanent or attempt >= self._retry.attempts
        log_extra = {"notification_id": str(row.id), "channel": row.channel, "attempt": attempt}
        if final:
            logger.error("message not sent, giving up: %s", failed.reason, extra=log_extra)
        else:
            logger.warning("message not sent, will retry: %s", failed.reason, extra=log_extra)
        await repository.settle(
            session,
            row.id,
            status=DeliveryStatus.FAILED if final else DeliveryStatus.QUEUED,
            attempts=attempt,
            recipient=recipient,
            next_attempt_at=None if final else now + self._retry.delay(attempt),
            error=failed.reason,
        )
