"""The sliding-window limiter against a real Redis: counts, windows, several
subjects at once, concurrency, and the off switch."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from redis.asyncio import Redis

from shared.ratelimit import Decision, Limit, SlidingWindowLimiter


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url, decode_responses=True)
    yield client
    await client.aclose()


async def test_allows_count_attempts_then_refuses_with_the_wait(redis: Redis) -> None:
    limiter = SlidingWindowLimiter(redis)
    limit = Limit("login:email", 3, 60)
    decisions = [await limiter.hit((limit, "ada@example.com")) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    refused = decisions[-1]
    # The first attempt leaves the window a minute after it was made.
    assert 59_000 < refused.retry_after_ms <= 60_000
    assert refused.retry_after_seconds == 60


async def test_subjects_of_one_limit_are_counted_apart(redis: Redis) -> None:
    limiter = SlidingWindowLimiter(redis)
    limit = Limit("login:email", 1, 60)
    assert (await limiter.hit((limit, "ada@example.com"))).allowed
    assert (await limiter.hit((limit, "bo@example.com"))).allowed
    assert not (await limiter.hit((limit, "ada@example.com"))).allowed
    # Another limit with the same subject has its own count.
    assert (await limiter.hit((Limit("register:email", 1, 60), "ada@example.com"))).allowed


@dataclass
class FakeClock:
    """Milliseconds that move only when a test moves them."""

    now_ms: int = 1_700_000_000_000

    def __call__(self) -> int:
        return self.now_ms

    def advance(self, seconds: float) -> None:
        self.now_ms += round(seconds * 1000)


async def test_the_window_slides_attempt_by_attempt(redis: Redis) -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(redis, clock=clock)
    limit = Limit("burst", 2, 60)
    assert (await limiter.hit((limit, "x"))).allowed
    clock.advance(20)
    assert (await limiter.hit((limit, "x"))).allowed
    refused = await limiter.hit((limit, "x"))
    # Room comes back when the first attempt leaves the window, 40 s from now.
    assert (refused.allowed, refused.retry_after_ms) == (False, 40_000)
    clock.advance(39.999)
    assert not (await limiter.hit((limit, "x"))).allowed
    clock.advance(0.001)
    # Only the first attempt has left: one slot back, not two (not a fixed window).
    assert (await limiter.hit((limit, "x"))).allowed
    refused_again = await limiter.hit((limit, "x"))
    assert (refused_again.allowed, refused_again.retry_after_ms) == (False, 20_000)


async def test_several_subjects_are_all_counted_or_none(redis: Redis) -> None:
    limiter = SlidingWindowLimiter(redis)
    per_email = Limit("login:email", 1, 60)
    per_address = Limit("login:address", 3, 30)
    assert (await limiter.hit((per_email, "ada"), (per_address, "10.0.0.1"))).allowed
    refused = await limiter.hit((per_email, "ada"), (per_address, "10.0.0.1"))
    assert not refused.allowed
    assert refused.retry_after_seconds == 60
    # The refused attempt was not counted against the address: two more fit.
    assert (await limiter.hit((per_email, "bo"), (per_address, "10.0.0.1"))).allowed
    assert (await limiter.hit((per_email, "cy"), (per_address, "10.0.0.1"))).allowed
    blocked_by_address = await limiter.hit((per_email, "dee"), (per_address, "10.0.0.1"))
    assert not blocked_by_address.allowed and blocked_by_address.retry_after_seconds == 30
    assert (await limiter.hit((per_email, "dee"), (per_address, "10.0.0.2"))).allowed


async def test_refused_attempts_do_not_push_the_reopening_back(redis: Redis) -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(redis, clock=clock)
    limit = Limit("burst", 1, 30)
    assert (await limiter.hit((limit, "x"))).allowed
    waits = []
    for _ in range(5):
        clock.advance(3)
        waits.append((await limiter.hit((limit, "x"))).retry_after_ms)
    assert waits == [27_000, 24_000, 21_000, 18_000, 15_000]
    clock.advance(15)
    assert (await limiter.hit((limit, "x"))).allowed


async def test_concurrent_attempts_never_exceed_the_limit(redis: Redis) -> None:
    limiter = SlidingWindowLimiter(redis)
    limit = Limit("login:address", 10, 60)
    decisions = await asyncio.gather(*(limiter.hit((limit, "10.0.0.9")) for _ in range(50)))
    assert sum(d.allowed for d in decisions) == 10


async def test_keys_expire_with_their_window_and_hide_the_subject(redis: Redis) -> None:
    limiter = SlidingWindowLimiter(redis)
    limit = Limit("login:email", 5, 90)
    await limiter.hit((limit, "ada@example.com"))
    keys = await redis.keys("ratelimit:*")
    assert keys == [limit.key("ada@example.com")]
    assert "ada" not in keys[0]
    assert 0 < await redis.pttl(keys[0]) <= 90_000


async def test_switched_off_it_allows_everything_and_stores_nothing(redis: Redis) -> None:
    limiter = SlidingWindowLimiter(redis, enabled=False)
    limit = Limit("login:email", 1, 60)
    decisions = [await limiter.hit((limit, "ada")) for _ in range(5)]
    assert decisions == [Decision(allowed=True)] * 5
    assert await redis.keys("ratelimit:*") == []


def test_a_limit_needs_a_positive_count_and_window() -> None:
    with pytest.raises(ValueError, match="count"):
        Limit("x", 0, 60)
    with pytest.raises(ValueError, match="window"):
        Limit("x", 1, 0)


async def test_a_released_attempt_gives_its_slot_back_to_those_subjects_only(
    redis: Redis,
) -> None:
    limiter = SlidingWindowLimiter(redis)
    per_email = Limit("login:email", 1, 60)
    per_address = Limit("login:address", 2, 60)
    first = await limiter.hit((per_email, "ada"), (per_address, "10.0.0.1"))
    assert first.allowed and first.attempt is not None
    await limiter.release(first, (per_email, "ada"))
    second = await limiter.hit((per_email, "ada"), (per_address, "10.0.0.1"))
    assert second.allowed
    # The address kept counting both attempts.
    assert not (await limiter.hit((per_email, "bo"), (per_address, "10.0.0.1"))).allowed
    # Refused and switched-off decisions have nothing to release.
    refused = await limiter.hit((per_email, "ada"))
    assert not refused.allowed and refused.attempt is None
    await limiter.release(refused, (per_email, "ada"))
    assert not (await limiter.hit((per_email, "ada"))).allowed
