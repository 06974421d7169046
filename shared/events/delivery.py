"""Handling one stream message to the end, for one consumer group.

The end is one of:

- applied: the handler ran and committed, in the same transaction as the
  `processed_events` row for (group, event id); then `XACK`;
- duplicate: that row already exists (an earlier delivery committed, then its
  consumer died before `XACK`): nothing runs; `XACK`;
- ignored: the group has no handler for the type; `XACK`;
- dead-lettered: the handler failed `max_attempts` times (or the message cannot
  be decoded, which no retry fixes): the message and the error go to the
  group's dead-letter stream and it is acknowledged, in one MULTI/EXEC;
- left pending, only when the consumer is stopping mid-retry or crashes: Redis
  redelivers it later.

Failed handlers are retried in place, after `retry_delay * attempt`, so the
stream waits and the events after it stay in order. Each retry claims the
message again (XCLAIM), which counts the delivery in Redis: attempts survive a
crash, and a message whose handling kills the process ends up dead-lettered
too. Losing the database or Redis is not the message's fault: such errors are
retried without counting an attempt.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import redis.exceptions
import sqlalchemy.exc
from pydantic import ValidationError
from redis.asyncio import Redis
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.schema import MetaData

from shared.events.base import Event, EventEnvelope
from shared.events.consumer import Consumer, Registration
from shared.events.lifecycle import BackgroundLoop
from shared.events.metrics import CONSUMED, DEAD_LETTERED, HANDLE_LATENCY, HANDLER_FAILURES
from shared.events.outbox import processed_events_table
from shared.events.settings import EventsSettings
from shared.observability.request_id import request_id_var

logger = logging.getLogger("minishop.events.consumer")

PROCESSED = processed_events_table(MetaData())
MAX_ERROR_CHARS = 2000
MAX_TRACEBACK_CHARS = 8000
# Waits between tries while the database or Redis is unreachable.
OUTAGE_BACKOFF_MAX_SECONDS = 10.0


class Outcome(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    DEAD_LETTERED = "dead_lettered"
    LEFT_PENDING = "left_pending"


@dataclass(frozen=True, slots=True)
class Delivery:
    stream: str
    message_id: str
    # Empty when the entry was trimmed from the stream while pending.
    fields: dict[str, str]
    # How many times Redis has delivered it, this delivery included.
    attempts: int = 1

    @property
    def type(self) -> str:
        return self.fields.get("type", "")

    def log_extra(self) -> dict[str, str]:
        return {
            "event_id": self.fields.get("id", ""),
            "event_type": self.type,
            "stream": self.stream,
            "message_id": self.message_id,
        }


def is_outage(error: BaseException) -> bool:
    """True for failures to reach Postgres or Redis, as opposed to handler bugs."""
    unreachable = (OSError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
    if isinstance(error, unreachable):
        return True
    if isinstance(error, sqlalchemy.exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, sqlalchemy.exc.InterfaceError)


class DeliveryHandler:
    """Runs deliveries of one group through its handlers (used by `ConsumerRunner`)."""

    def __init__(
        self,
        consumer: Consumer,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        redis: Redis,
        settings: EventsSettings,
        consumer_name: str,
        loop: BackgroundLoop,
        still_reader: Callable[[], bool] = lambda: True,
    ) -> None:
        self.consumer = consumer
        self._sessionmaker = sessionmaker
        self._redis = redis
        self._settings = settings
        self.consumer_name = consumer_name
        self._loop = loop
        # False once the group's lease is lost: a retry would then take the
        # message back from the new reader.
        self._still_reader = still_reader

    def _should_stop_retrying(self) -> bool:
        return self._loop.stopping or not self._still_reader()

    @property
    def group(self) -> str:
        return self.consumer.group

    async def handle(self, delivery: Delivery) -> Outcome:
        registration = self.consumer.registration(delivery.type)
        if not delivery.fields:
            logger.warning("pending message was trimmed from stream", extra=delivery.log_extra())
            await self.acknowledge(delivery)
            CONSUMED.labels(self.group, "", Outcome.IGNORED).inc()
            return Outcome.IGNORED
        if registration is None:
            await self.acknowledge(delivery)
            CONSUMED.labels(self.group, delivery.type, Outcome.IGNORED).inc()
            return Outcome.IGNORED
        try:
            envelope = EventEnvelope.model_validate_json(delivery.fields["envelope"])
            event = registration.event_type.model_validate(envelope.data)
        except (KeyError, ValidationError) as error:
            logger.error("undecodable event", extra=delivery.log_extra(), exc_info=True)
            await self._dead_letter(delivery, error, delivery.attempts)
            return Outcome.DEAD_LETTERED
        return await self._handle_with_retries(delivery, registration, event, envelope)

    async def _handle_with_retries(
        self,
        delivery: Delivery,
        registration: Registration,
        event: Event,
        envelope: EventEnvelope,
    ) -> Outcome:
        attempts = delivery.attempts
        outage_wait = max(self._settings.retry_delay_seconds, 0.1)
        while True:
            if attempts > self._settings.max_attempts:
                # Earlier deliveries ended without an acknowledgement or a recorded
                # failure: their consumer died while handling it.
                error = RuntimeError(f"delivered {attempts - 1} times without being acknowledged")
                await self._dead_letter(delivery, error, attempts - 1)
                return Outcome.DEAD_LETTERED
            try:
                applied = await self._apply(registration, event, envelope)
            except Exception as error:
                if is_outage(error):
                    logger.warning(
                        "database or Redis unavailable; retrying",
                        extra=delivery.log_extra(),
                        exc_info=True,
                    )
                    await self._loop.pause(outage_wait)
                    outage_wait = min(outage_wait * 2, OUTAGE_BACKOFF_MAX_SECONDS)
                    if self._should_stop_retrying():
                        return Outcome.LEFT_PENDING
                    continue
                HANDLER_FAILURES.labels(self.group, delivery.type).inc()
                logger.warning(
                    "event handler failed (attempt %d of %d)",
                    attempts,
                    self._settings.max_attempts,
                    extra=delivery.log_extra(),
                    exc_info=True,
                )
                if attempts >= self._settings.max_attempts:
                    await self._dead_letter(delivery, error, attempts)
                    return Outcome.DEAD_LETTERED
                await self._loop.pause(self._settings.retry_delay_seconds * attempts)
                if self._should_stop_retrying() or not await self._claim_again(delivery):
                    return Outcome.LEFT_PENDING
                attempts += 1
                continue
            await self.acknowledge(delivery)
            outcome = Outcome.APPLIED if applied else Outcome.DUPLICATE
            CONSUMED.labels(self.group, delivery.type, outcome).inc()
            if applied:
                latency = datetime.now(UTC) - envelope.occurred_at
                HANDLE_LATENCY.labels(self.group, delivery.type).observe(latency.total_seconds())
            logger.debug("event %s", outcome, extra=delivery.log_extra())
            return outcome

    async def _apply(
        self, registration: Registration, event: Event, envelope: EventEnvelope
    ) -> bool:
        """Run the handler once per (group, event id); False if it already ran."""
        # The handler's log lines carry the request that caused the event.
        token = request_id_var.set(envelope.trace.get("request_id"))
        try:
            async with self._sessionmaker() as session, session.begin():
                # Inserted first: a concurrent delivery of the same event waits
                # here for this transaction, then finds the row and skips.
                first = await session.scalar(
                    insert(PROCESSED)
                    .values(consumer=self.group, event_id=envelope.id)
                    .on_conflict_do_nothing()
                    .returning(PROCESSED.c.event_id)
                )
                if first is None:
                    return False
                await registration.handler(event, envelope, session)
            return True
        finally:
            request_id_var.reset(token)

    async def acknowledge(self, delivery: Delivery) -> None:
        await self._redis.xack(delivery.stream, self.group, delivery.message_id)

    async def _claim_again(self, delivery: Delivery) -> bool:
        """Count a retry as a delivery in Redis; False if the message is gone."""
        claimed = await self._redis.xclaim(
            delivery.stream, self.group, self.consumer_name, 0, [delivery.message_id]
        )
        return bool(claimed)

    async def _dead_letter(self, delivery: Delivery, error: BaseException, attempts: int) -> None:
        fields: dict[Any, Any] = {
            **delivery.fields,
            "stream": delivery.stream,
            "message_id": delivery.message_id,
            "group": self.group,
            "consumer": self.consumer_name,
            "attempts": str(attempts),
            "error": f"{type(error).__name__}: {error}"[:MAX_ERROR_CHARS],
            "traceback": "".join(traceback.format_exception(error))[-MAX_TRACEBACK_CHARS:],
            "failed_at": datetime.now(UTC).isoformat(),
        }
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.xadd(self._settings.dead_letter_stream(self.group), fields)
            pipe.xack(delivery.stream, self.group, delivery.message_id)
            await pipe.execute()
        DEAD_LETTERED.labels(self.group, delivery.type).inc()
        CONSUMED.labels(self.group, delivery.type, Outcome.DEAD_LETTERED).inc()
        logger.error(
            "event dead-lettered after %d attempt(s): %s",
            attempts,
            fields["error"],
            extra=delivery.log_extra(),
        )
