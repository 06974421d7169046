"""Recording events in the service's own database, in the caller's transaction.

A rolled-back transaction takes its events with it; a committed one is
guaranteed to reach the stream (the relay's job).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    PrimaryKeyConstraint,
    String,
    UniqueConstraint,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.schema import MetaData, Table

from shared.events.base import Event, EventEnvelope
from shared.observability.request_id import current_request_id
from shared.observability.tracing import inject_context

# NOTIFY on this channel wakes the relay as soon as the transaction commits.
OUTBOX_CHANNEL = "minishop_outbox"


def outbox_table(metadata: MetaData) -> Table:
    """The `outbox` table, declared in a service's metadata (one per database)."""
    return Table(
        "outbox",
        metadata,
        # The relay publishes in `seq` order.
        Column("seq", BigInteger, Identity(), primary_key=True),
        Column("id", UUID, nullable=False),
        Column("type", String(100), nullable=False),
        Column("aggregate_id", String(100), nullable=False),
        Column("envelope", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), server_default=func.now(), nullable=False),
        Column("published_at", DateTime(timezone=True)),
        Index("ix_outbox_unpublished", "seq", postgresql_where=text("published_at IS NULL")),
        Index("ix_outbox_published_at", "published_at"),
        # Named as Postgres named it when migration 0002 created the table (its
        # metadata had no naming convention), so autogenerate sees no change.
        UniqueConstraint("id", name="outbox_id_key"),
    )


def processed_events_table(metadata: MetaData) -> Table:
    """Event ids a consumer has applied: each handler's idempotency record."""
    return Table(
        "processed_events",
        metadata,
        Column("consumer", String(100), nullable=False),
        Column("event_id", UUID, nullable=False),
        Column("processed_at", DateTime(timezone=True), server_default=func.now(), nullable=False),
        PrimaryKeyConstraint("consumer", "event_id", name="pk_processed_events"),
    )


# The same table in every service's database: one definition serves all inserts.
OUTBOX = outbox_table(MetaData())


async def record_event(
    session: AsyncSession, event: Event, *, source: str | None = None
) -> EventEnvelope:
    """Add `event` to the outbox inside the session's current transaction.

    `source` defaults to the event class's `producer`; a different one is
    refused, since consumers look for the event on its producer's stream.

        async with sessionmaker.begin() as session:
            user = await repository.insert_user(session, ...)
            await record_event(session, UserRegistered(user_id=user.id, ...))
    """
    type(event).check_declared()
    if source is not None and source != event.producer:
        raise ValueError(f"{event.type} is published by {event.producer!r}, not {source!r}")
    source = event.producer
    trace: dict[str, str] = {}
    if request_id := current_request_id():
        trace["request_id"] = request_id
    # `traceparent` (and `tracestate`): the consumer's span joins this trace.
    inject_context(trace)
    envelope = EventEnvelope(
        type=event.type,
        source=source,
        aggregate_id=event.aggregate_id(),
        data=event.model_dump(mode="json"),
        trace=trace,
    )
    inserted = (
        insert(OUTBOX)
        .values(
            id=envelope.id,
            type=envelope.type,
            aggregate_id=envelope.aggregate_id,
            envelope=envelope.model_dump(mode="json"),
        )
        .returning(OUTBOX.c.seq)
        .cte("inserted")
    )
    # One round trip: the insert, and a NOTIFY that Postgres holds until commit
    # (and drops on rollback).
    await session.execute(select(func.pg_notify(OUTBOX_CHANNEL, source)).select_from(inserted))
    return envelope
