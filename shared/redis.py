"""The Redis client every service uses (cart store, rate limits, event streams)."""

from __future__ import annotations

from redis.asyncio import Redis

from shared.observability.instrumentation import instrument_redis


def create_redis(url: str) -> Redis:
    # decode_responses: keys and values are text everywhere in MiniShop.
    client = Redis.from_url(
        url,
        decode_responses=True,
        socket_timeout=5,
        socket_connect_timeout=3,
        health_check_interval=30,
    )
    instrument_redis(client)
    return client
