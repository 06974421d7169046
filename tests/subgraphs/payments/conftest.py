"""Payments under test: the mock processor served for real over HTTP on
127.0.0.1, and the payments app in-process with its event relay off (the
tests read the outbox rows themselves)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from shared.devstack.process import free_port
from shared.services import service
from tests.subgraphs.payments.support import Processor, serve_processor
from tests.support.databases import DatabaseFactory
from tests.support.services import RunningService, running_service

# Short enough that the timeout tests run fast, long enough for a loaded machine.
TIMEOUT_SECONDS = 0.5


def payments_env(processor_url: str) -> dict[str, str]:
    return {
        "MINISHOP_EVENTS_IN_PROCESS": "false",
        "PAYMENTS_PROCESSOR_URL": processor_url,
        "PAYMENTS_PROCESSOR_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
        "PAYMENTS_PROCESSOR_ATTEMPTS": "3",
        "PAYMENTS_PROCESSOR_BACKOFF_INITIAL_SECONDS": "0.01",
        "PAYMENTS_PROCESSOR_BACKOFF_MAX_SECONDS": "0.05",
    }


@pytest.fixture
async def processor_port() -> int:
    return free_port()


@pytest.fixture
async def processor(processor_port: int) -> AsyncIterator[Processor]:
    async with serve_processor(processor_port) as running:
        yield running


@pytest.fixture
async def payments_database(databases: DatabaseFactory) -> AsyncIterator[str]:
    url = await databases.create(service("payments"))
    try:
        yield url
    finally:
        await databases.drop(url)


@pytest.fixture
async def payments_without_processor(
    payments_database: str, redis_url: str, processor_port: int
) -> AsyncIterator[RunningService]:
    """Payments pointed at a port where (for now) nothing listens."""
    env = payments_env(f"http://127.0.0.1:{processor_port}")
    async with running_service(
        service("payments"), database_url=payments_database, redis_url=redis_url, env=env
    ) as running:
        yield running


@pytest.fixture
async def payments(
    processor: Processor, payments_without_processor: RunningService
) -> RunningService:
    return payments_without_processor
