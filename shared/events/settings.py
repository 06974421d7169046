"""Event delivery settings (env prefix `MINISHOP_EVENTS_`) and every Redis key name.

Key layout, all under `key_prefix` (default `minishop`):

- `minishop:events:<source>`: one stream per producing service. All events of
  an aggregate come from the one service that owns it, so one stream per source
  is enough to keep their order; consumers read only the sources they need.
- `minishop:dead-letters:<group>`: messages a consumer group gave up on, one
  stream per group (another group may have handled the same message fine).
- `minishop:consumer-lease:<group>`: which consumer of the group is reading now.
  One reader at a time keeps each aggregate's events in order even when a
  service runs several replicas; the others stand by and take over on expiry.

A consumer group is named after the consuming service (`Consumer("notifications")`),
and that name is also the `consumer` column of its `processed_events` rows.

Timing rule: a new lease holder must be able to reclaim everything its dead
predecessor left pending at once, or it would handle newer messages first. The
predecessor renewed at most `lease_ttl / 3` before dying, so its entries are at
least `2/3 · lease_ttl` idle when the lease expires: `claim_min_idle_seconds`
may not exceed that.
"""

from __future__ import annotations

import os
import socket
from functools import cache

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class EventsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MINISHOP_EVENTS_", extra="ignore")

    # Run the relay and the consumers inside each service process; turn off when
    # `minishop worker <service>` runs them instead.
    in_process: bool = True
    key_prefix: str = "minishop"

    # Relay. The poll is only a fallback: a commit wakes the relay through NOTIFY.
    relay_batch_size: int = Field(default=200, ge=1)
    relay_poll_seconds: float = Field(default=2.0, gt=0)
    # Published outbox rows are kept this long (for inspection), then deleted.
    outbox_retention_seconds: float = Field(default=7 * 24 * 3600, ge=0)
    housekeeping_interval_seconds: float = Field(default=60.0, gt=0)
    # Streams are trimmed (approximately) to this many entries; keep it well
    # above what a stopped consumer group could fall behind by.
    stream_max_length: int = Field(default=1_000_000, ge=1000)

    # Consumers.
    consumer_name: str = ""  # empty: "<hostname>-<pid>"
    read_count: int = Field(default=100, ge=1)
    # XREADGROUP blocks this long at most; a new message ends the wait at once.
    read_block_ms: int = Field(default=1000, ge=1, le=4000)
    # Tries (deliveries) before a message goes to the dead-letter stream.
    max_attempts: int = Field(default=5, ge=1)
    # Wait before retry n is n * this (the stream waits: order is kept).
    retry_delay_seconds: float = Field(default=0.5, ge=0)
    lease_ttl_seconds: float = Field(default=15.0, gt=0)
    claim_min_idle_seconds: float = Field(default=10.0, ge=0)
    claim_interval_seconds: float = Field(default=10.0, gt=0)
    # A stopping consumer lets the message in hand finish this long, then
    # abandons it (rolled back, still pending, so redelivered).
    shutdown_grace_seconds: float = Field(default=5.0, ge=0)
    metrics_interval_seconds: float = Field(default=15.0, gt=0)

    @model_validator(mode="after")
    def _claim_fits_the_lease(self) -> EventsSettings:
        if self.claim_min_idle_seconds > self.lease_ttl_seconds * 2 / 3:
            raise ValueError(
                "MINISHOP_EVENTS_CLAIM_MIN_IDLE_SECONDS must be at most 2/3 of "
                "MINISHOP_EVENTS_LEASE_TTL_SECONDS (see shared/events/settings.py)"
            )
        return self

    def stream(self, source: str) -> str:
        """The stream a service's events are published on."""
        return f"{self.key_prefix}:events:{source}"

    def dead_letter_stream(self, group: str) -> str:
        return f"{self.key_prefix}:dead-letters:{group}"

    def lease_key(self, group: str) -> str:
        return f"{self.key_prefix}:consumer-lease:{group}"

    def default_consumer_name(self) -> str:
        """Unique per process; set `consumer_name` to a stable name (a pod name)
        so a restarted consumer picks up its own pending entries first."""
        return self.consumer_name or f"{socket.gethostname()}-{os.getpid()}"


@cache
def events_settings() -> EventsSettings:
    return EventsSettings()
