"""A periodic job keeps its rhythm through failures and stops when asked."""

from __future__ import annotations

import asyncio
import logging

import pytest

from shared.periodic import PeriodicJob, running

LOGGER = logging.getLogger("minishop.test.periodic")


async def test_a_failing_round_is_logged_and_the_next_one_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    rounds: list[int] = []
    third = asyncio.Event()

    async def job() -> None:
        rounds.append(len(rounds))
        if len(rounds) == 3:
            third.set()
        if len(rounds) == 1:
            raise RuntimeError("database away")

    loop = PeriodicJob(
        "test-job", job, interval_seconds=0.01, failure="round failed", logger=LOGGER
    )
    with caplog.at_level(logging.ERROR, logger=LOGGER.name):
        async with running(loop):
            await asyncio.wait_for(third.wait(), timeout=2)
    assert [r.getMessage() for r in caplog.records] == ["round failed"]


async def test_backlog_rounds_follow_at_once_and_the_first_waits_unless_at_start() -> None:
    backlog = [True, True, False]
    done = asyncio.Event()

    async def job() -> bool:
        more = backlog.pop(0)
        if not backlog:
            done.set()
        return more

    # A long interval: only rounds that need no pause can run within the wait below.
    loop = PeriodicJob(
        "test-backlog", job, interval_seconds=60, failure="f", logger=LOGGER, at_start=True
    )
    async with running(loop):
        await asyncio.wait_for(done.wait(), timeout=2)
    assert backlog == []

    waited: list[None] = []

    async def never() -> None:
        waited.append(None)

    async with running(
        PeriodicJob("test-wait", never, interval_seconds=60, failure="f", logger=LOGGER)
    ):
        await asyncio.sleep(0.05)
    assert waited == []  # stopped during its first pause, at once
