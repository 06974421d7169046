"""Events to feed the notifications service, and ways to look at what it sent."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import httpx
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from shared.devstack.mailbox import RunningMailbox
from shared.events import Event, EventEnvelope, record_event
from shared.events.contracts import (
    OrderAddress,
    OrderEventLine,
    OrderPaid,
    UserRegistered,
)
from shared.events.relay import Relay
from shared.events.settings import EventsSettings
from shared.services import SERVICES, ServiceSpec
from tests.support.services import RunningService
from tests.support.shop import eventually

# The registry's entry; the same spec when a local edit of the registry leaves
# the service out (running a stack without it), so these tests still run.
NOTIFICATIONS = next(
    (spec for spec in SERVICES if spec.name == "notifications"),
    ServiceSpec("notifications", 4007),
)

# Test-sized timings for the events runtime, the dispatcher and its retries.
FAST_EVENTS_ENV = {
    "MINISHOP_EVENTS_RELAY_POLL_SECONDS": "0.2",
    "MINISHOP_EVENTS_READ_BLOCK_MS": "100",
    "MINISHOP_EVENTS_LEASE_TTL_SECONDS": "1.5",
    "MINISHOP_EVENTS_CLAIM_MIN_IDLE_SECONDS": "0.5",
    "MINISHOP_EVENTS_CLAIM_INTERVAL_SECONDS": "0.3",
    "MINISHOP_EVENTS_RETRY_DELAY_SECONDS": "0.01",
    "MINISHOP_EVENTS_SHUTDOWN_GRACE_SECONDS": "2",
}


def notifications_env(smtp_url: str, **extra: str) -> dict[str, str]:
    return {
        **FAST_EVENTS_ENV,
        "MINISHOP_SMTP_URL": smtp_url,
        "NOTIFICATIONS_SMTP_TIMEOUT_SECONDS": "2",
        "NOTIFICATIONS_DISPATCH_INTERVAL_SECONDS": "0.05",
        "NOTIFICATIONS_BACKOFF_INITIAL_SECONDS": "0.05",
        "NOTIFICATIONS_BACKOFF_MAX_SECONDS": "0.2",
        "NOTIFICATIONS_SEND_ATTEMPTS": "5",
        **extra,
    }


class Producer:
    """Publishes events as a producing service would: outbox row, then the relay."""

    def __init__(self, engine: AsyncEngine, redis: Redis) -> None:
        self._sessions = async_sessionmaker(engine)
        self._relay = Relay("producer", engine, redis, EventsSettings())

    async def publish(self, *events: Event) -> list[EventEnvelope]:
        envelopes = []
        async with self._sessions.begin() as session:
            for event in events:
                envelopes.append(await record_event(session, event))
        while await self._relay.publish_batch():
            pass
        return envelopes


def registered(name: str = "Ada Lovelace", email: str | None = None) -> UserRegistered:
    user_id = uuid.uuid4()
    return UserRegistered(
        user_id=user_id, email=email or f"user-{user_id.hex[:10]}@example.com", name=name
    )


def paid(user_id: uuid.UUID, number: str = "MS-1042", **overrides: Any) -> OrderPaid:
    values: dict[str, Any] = {
        "order_id": uuid.uuid4(),
        "user_id": user_id,
        "number": number,
        "currency": "USD",
        "subtotal": Decimal("39.98"),
        "shipping_cost": Decimal("4.99"),
        "total": Decimal("44.97"),
        "shipping_method": "STANDARD",
        "shipping_address": OrderAddress(
            full_name="Ada Lovelace",
            line1="12 St James's Square",
            city="London",
            postal_code="SW1Y 4JH",
            country="GB",
        ),
        "lines": (
            OrderEventLine(
                product_id=uuid.uuid4(),
                sku="MUG-001",
                name="Enamel mug",
                unit_price=Decimal("19.99"),
                quantity=2,
            ),
        ),
        **overrides,
    }
    return OrderPaid(**values)


async def mailbox_messages(mailbox: RunningMailbox) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=mailbox.http_url) as http:
        response = await http.get("/messages")
        response.raise_for_status()
        listed: list[dict[str, Any]] = response.json()
    return listed


async def rows(service: RunningService, sql: str, **params: Any) -> list[dict[str, Any]]:
    assert service.state.engine is not None
    async with service.state.engine.connect() as connection:
        result = await connection.execute(text(sql), params)
        return [dict(row) for row in result.mappings()]


async def messages_of(service: RunningService, user_id: uuid.UUID) -> list[dict[str, Any]]:
    return await rows(
        service,
        "SELECT * FROM notifications WHERE user_id = :u ORDER BY seq",
        u=user_id,
    )


def matching(
    service: RunningService, where: str = "TRUE"
) -> Callable[[], Awaitable[list[dict[str, Any]]]]:
    """A probe for `eventually`: the messages matching `where`, oldest first."""

    async def probe() -> list[dict[str, Any]]:
        return await rows(service, f"SELECT * FROM notifications WHERE {where} ORDER BY seq")  # noqa: S608 - test-written fragments

    return probe


async def wait_settled(
    service: RunningService, count: int, *, where: str = "TRUE", within: float = 15.0
) -> list[dict[str, Any]]:
    return await eventually(
        matching(service, where),
        lambda found: len(found) == count and all(r["status"] != "QUEUED" for r in found),
        within=within,
        what=f"{count} messages ({where}) recorded and settled",
    )
