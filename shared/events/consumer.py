"""Declaring what a service consumes: a `Consumer` maps event classes to handlers.

    consumer = Consumer("notifications")

    @consumer.on(UserRegistered)
    async def remember_contact(
        event: UserRegistered, envelope: EventEnvelope, session: AsyncSession
    ) -> None:
        await repository.upsert_contact(session, event.user_id, event.email, event.name)

The handler runs inside the transaction that also records the event id in
`processed_events`; it must not commit. The service lists its consumers in
`ServiceDefinition(consumers=[consumer])`; the app factory (or `minishop
worker`) runs them. The consumer's name is its Redis consumer group and its
`processed_events.consumer` value.

A service without a database (the cart) declares `Consumer(group,
deduplicates_itself=True)`: its handlers get no session (None), must make
their effect once per event id themselves (e.g. in one Redis script) and return
False for an event they had already applied.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events.base import Event, EventEnvelope

E = TypeVar("E", bound=Event)
# Handlers of database-backed consumers return None; those of consumers that
# deduplicate themselves get None for the session and return whether they applied.
EventHandler = Callable[[E, EventEnvelope, Any], Awaitable[bool | None]]

_GROUP_NAME = re.compile(r"^[a-z][a-z0-9_.-]{0,99}$")


@dataclass(frozen=True, slots=True)
class Registration:
    event_type: type[Event]
    handler: Callable[[Any, EventEnvelope, AsyncSession | None], Awaitable[bool | None]]


class Consumer:
    """A consumer group: one handler per event type it cares about."""

    def __init__(self, group: str, *, deduplicates_itself: bool = False) -> None:
        if not _GROUP_NAME.match(group):
            raise ValueError(f"consumer group names are lower-case identifiers, not {group!r}")
        self.group = group
        self.deduplicates_itself = deduplicates_itself
        self._registrations: dict[str, Registration] = {}

    def on(self, event_type: type[E]) -> Callable[[EventHandler[E]], EventHandler[E]]:
        """Register the decorated coroutine as the handler of `event_type`."""
        event_type.check_declared()
        if event_type.type in self._registrations:
            raise ValueError(f"{self.group} already handles {event_type.type}")

        def register(handler: EventHandler[E]) -> EventHandler[E]:
            self._registrations[event_type.type] = Registration(event_type, handler)
            return handler

        return register

    def registration(self, type_name: str) -> Registration | None:
        return self._registrations.get(type_name)

    @property
    def sources(self) -> tuple[str, ...]:
        """The producing services whose streams this group reads."""
        return tuple(sorted({r.event_type.producer for r in self._registrations.values()}))

    def __repr__(self) -> str:
        return f"Consumer({self.group!r}, handles={sorted(self._registrations)})"
