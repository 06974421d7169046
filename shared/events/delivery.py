"""Handling stream messages to the end, for one consumer group.

Each message ends as one of:

- applied: the handler ran and committed, in the same transaction as the
  `processed_events` row for (group, event id); then `XACK`;
- duplicate: that row already exists (an earlier delivery committed, then its
  consumer died before `XACK`): nothing runs; `XACK`;
- ignored: the group has no handler for the type; `XACK`;
- dead-lettered: the handler failed `max_attempts` times (or the message cannot
  be decoded, which no retry fixes): the message and the error go to the
  group's dead-letter stream and it is acknowledged, in one MULTI/EXEC;
- left pending, only when the consumer stops, loses its lease or crashes:
  Redis redelivers it later.

The messages of one read are applied in one transaction: a backlog costs one
commit per read, not one per message. (A savepoint per message would isolate
failures, but measured here it cut throughput by three quarters.) When a
handler raises, that transaction is rolled back, the messages before it are
applied again without it, and it is retried alone: only its own attempts count.

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
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from opentelemetry.trace import SpanKind
from pydantic import ValidationError
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.schema import MetaData

from shared.events.base import EventEnvelope
from shared.events.consumer import Consumer
from shared.events.lifecycle import BackgroundLoop
from shared.events.messages import Delivery, HandlerFailed, Outcome, Work, is_outage
from shared.events.metrics import CONSUMED, DEAD_LETTERED, HANDLE_LATENCY, HANDLER_FAILURES
from shared.events.outbox import processed_events_table
from shared.events.settings import EventsSettings
from shared.observability.request_id import request_id_var
from shared.observability.tracing import set_request_id, tracer, tracing_enabled

logger = logging.getLogger("minishop.events.consumer")

PROCESSED = processed_events_table(MetaData())
MAX_ERROR_CHARS = 2000
MAX_TRACEBACK_CHARS = 8000
# Waits between tries while the database or Redis is unreachable.
OUTAGE_BACKOFF_MAX_SECONDS = 10.0


class DeliveryHandler:
    """Runs deliveries of one group through its handlers (used by `ConsumerRunner`)."""

    def __init__(
        self,
        consumer: Consumer,
        *,
        sessionmaker: async_sessionmaker[AsyncSession] | None,
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

    async def handle(self, deliveries: Sequence[Delivery]) -> None:
        """Handle `deliveries` (one read) in order, to one of the ends above.

        Returns early, leaving the rest pending, on stop or when the lease is lost.
        """
        work: list[Work] = []
        for delivery in deliveries:
            prepared = await self._prepare(delivery)
            if prepared is not None:
                work.append(prepared)
        await self._handle_work(work)

    async def _handle_work(self, work: Sequence[Work]) -> bool:
        """Apply `work` in one transaction, falling back to smaller ones on
        failure; False if it stopped with some of it left pending."""
        while work:
            if self._should_stop_retrying():
                return False
            try:
                applied = await self._apply_batch(work)
            except HandlerFailed as failed:
                # All of it was rolled back: the ones before the failing handler
                # go again without it, then it is retried alone, then the rest.
                if failed.index and not await self._handle_work(work[: failed.index]):
                    return False
                outcome = await self._handle_alone(work[failed.index], failed.error)
                if outcome is Outcome.LEFT_PENDING:
                    return False
                work = work[failed.index + 1 :]
                continue
            except Exception:
                # The transaction itself failed (a lost connection, a failed
                # commit): one by one, which waits out outages.
                logger.warning("batch transaction failed; handling one by one", exc_info=True)
                for item in work:
                    if await self._handle_alone(item) is Outcome.LEFT_PENDING:
                        return False
                return True
            await self._finish(list(zip(work, applied, strict=True)))
            return True
        return True

    async def _prepare(self, delivery: Delivery) -> Work | None:
        """Decode a delivery; None when it is finished already (acknowledged or
        dead-lettered: trimmed, no handler, undecodable, or crash-looping)."""
        registration = self.consumer.registration(delivery.type)
        if not delivery.fields or registration is None:
            if not delivery.fields:
                logger.warning("pending message was trimmed", extra=delivery.log_extra())
            await self.acknowledge([delivery])
            CONSUMED.labels(self.group, delivery.type, Outcome.IGNORED).inc()
            return None
        try:
            envelope = EventEnvelope.model_validate_json(delivery.fields["envelope"])
            event = registration.event_type.model_validate(envelope.data)
        except (KeyError, ValidationError) as error:
            logger.error("undecodable event", extra=delivery.log_extra(), exc_info=True)
            await self._dead_letter(delivery, error, delivery.attempts)
            return None
        if delivery.attempts > self._settings.max_attempts:
            # Earlier deliveries ended with neither an acknowledgement nor a
            # recorded failure: their consumer died while handling it, or could
            # not acknowledge (Redis unreachable) what it had applied.
            if await self._already_processed(envelope):
                await self.acknowledge([delivery])
                CONSUMED.labels(self.group, delivery.type, Outcome.DUPLICATE).inc()
                return None
            attempts = delivery.attempts - 1
            crashed = RuntimeError(f"delivered {attempts} times without being acknowledged")
            await self._dead_letter(delivery, crashed, attempts)
            return None
        return Work(delivery, registration, event, envelope)

    async def _already_processed(self, envelope: EventEnvelope) -> bool:
        if self._sessionmaker is None:
            return False  # only the handler knows; a crash-looping message is dead-lettered
        async with self._sessionmaker() as session:
            found = await session.scalar(
                select(PROCESSED.c.event_id).where(
                    PROCESSED.c.consumer == self.group, PROCESSED.c.event_id == envelope.id
                )
            )
        return found is not None

    async def _apply_batch(self, work: Sequence[Work]) -> list[bool]:
        """Apply all of `work` in one transaction; per item, whether it was new.

        Raises `HandlerFailed` (everything rolled back) when a handler raises.
        """
        if self._sessionmaker is None:
            return await self._apply_each(work)
        applied: list[bool] = []
        async with self._sessionmaker() as session, session.begin():
            # Inserted first: a concurrent delivery of the same events waits
            # here for this transaction, then finds the rows and skips them.
            new = set(
                await session.scalars(
                    insert(PROCESSED)
                    .values([{"consumer": self.group, "event_id": w.envelope.id} for w in work])
                    .on_conflict_do_nothing()
                    .returning(PROCESSED.c.event_id)
                )
            )
            for index, item in enumerate(work):
                if item.envelope.id not in new:  # processed before, or twice in this read
                    applied.append(False)
                    continue
                new.discard(item.envelope.id)
                try:
                    await self._call_handler(session, item)
                except Exception as error:
                    if is_outage(error):
                        raise
                    raise HandlerFailed(index, error) from error
                applied.append(True)
        return applied

    async def _handle_alone(self, item: Work, first_error: BaseException | None = None) -> Outcome:
        """One message in its own transaction, retried in place until it is
        applied or dead-lettered (or the consumer stops)."""
        attempts = item.delivery.attempts
        outage_wait = max(self._settings.retry_delay_seconds, 0.1)
        error = first_error
        while True:
            if error is None:
                try:
                    applied = await self._apply_alone(item)
                except Exception as raised:
                    error = raised
                else:
                    await self._finish([(item, applied)])
                    return Outcome.APPLIED if applied else Outcome.DUPLICATE
            if is_outage(error):
                logger.warning(
                    "database or Redis unavailable; retrying",
                    extra=item.delivery.log_extra(),
                    exc_info=error,
                )
                await self._loop.pause(outage_wait)
                outage_wait = min(outage_wait * 2, OUTAGE_BACKOFF_MAX_SECONDS)
                if self._should_stop_retrying():
                    return Outcome.LEFT_PENDING
                error = None
                continue
            HANDLER_FAILURES.labels(self.group, item.delivery.type).inc()
            logger.warning(
                "event handler failed (attempt %d of %d)",
                attempts,
                self._settings.max_attempts,
                extra=item.delivery.log_extra(),
                exc_info=error,
            )
            if attempts >= self._settings.max_attempts:
                await self._dead_letter(item.delivery, error, attempts)
                return Outcome.DEAD_LETTERED
            await self._loop.pause(self._settings.retry_delay_seconds * attempts)
            if self._should_stop_retrying() or not await self._claim_again(item.delivery):
                return Outcome.LEFT_PENDING
            attempts += 1
            error = None

    async def _apply_each(self, work: Sequence[Work]) -> list[bool]:
        """Without a database: each handler deduplicates and commits by itself, so
        what ran before a failure stays applied (and is a duplicate next time)."""
        applied: list[bool] = []
        for index, item in enumerate(work):
            try:
                result = await self._call_handler(None, item)
            except Exception as error:
                if is_outage(error):
                    raise
                raise HandlerFailed(index, error) from error
            applied.append(result is not False)
        return applied

    async def _apply_alone(self, item: Work) -> bool:
        if self._sessionmaker is None:
            return await self._call_handler(None, item) is not False
        async with self._sessionmaker() as session, session.begin():
            return await self._run_handler(session, item)

    async def _run_handler(self, session: AsyncSession, item: Work) -> bool:
        """Record the event as processed and run its handler; False (and no
        handler run) if this group had processed it already."""
        # Inserted first: a concurrent delivery of the same event waits here for
        # this transaction, then finds the row and skips.
        first = await session.scalar(
            insert(PROCESSED)
            .values(consumer=self.group, event_id=item.envelope.id)
            .on_conflict_do_nothing()
            .returning(PROCESSED.c.event_id)
        )
        if first is None:
            return False
        await self._call_handler(session, item)
        return True

    async def _call_handler(self, session: AsyncSession | None, item: Work) -> bool | None:
        # The handler's log lines carry the request that caused the event.
        request_id = item.envelope.trace.get("request_id")
        token = request_id_var.set(request_id)
        try:
            if not tracing_enabled():
                return await item.registration.handler(item.event, item.envelope, session)
            # A child of the producer's span: the handler's work (its SQL, its
            # calls) is part of the trace of the request that caused the event.
            with tracer().start_as_current_span(
                f"{item.delivery.type} process",
                context=item.producer_context(),
                kind=SpanKind.CONSUMER,
                attributes={
                    "messaging.system": "redis",
                    "messaging.operation.type": "process",
                    "messaging.destination.name": item.delivery.stream,
                    "messaging.consumer.group.name": self.group,
                    "messaging.message.id": str(item.envelope.id),
                    "messaging.message.delivery_count": item.delivery.attempts,
                },
            ) as span:
                set_request_id(span, request_id)
                return await item.registration.handler(item.event, item.envelope, session)
        finally:
            request_id_var.reset(token)

    async def _finish(self, done: Sequence[tuple[Work, bool]]) -> None:
        """Acknowledge committed items and count them."""
        if not done:
            return
        await self.acknowledge([item.delivery for item, _ in done])
        now = datetime.now(UTC)
        for item, applied in done:
            outcome = Outcome.APPLIED if applied else Outcome.DUPLICATE
            CONSUMED.labels(self.group, item.delivery.type, outcome).inc()
            if applied:
                latency = (now - item.envelope.occurred_at).total_seconds()
                HANDLE_LATENCY.labels(self.group, item.delivery.type).observe(latency)
            logger.debug("event %s", outcome, extra=item.delivery.log_extra())

    async def acknowledge(self, deliveries: Sequence[Delivery]) -> None:
        by_stream: dict[str, list[str]] = {}
        for delivery in deliveries:
            by_stream.setdefault(delivery.stream, []).append(delivery.message_id)
        for stream, ids in by_stream.items():
            await self._redis.xack(stream, self.group, *ids)

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
