"""Notifications under test: the app in-process with its consumer and dispatcher,
a real SMTP server (the local mailbox) on free ports, and a producer database
whose outbox and relay publish the events the service consumes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from shared.devstack.mailbox import RunningMailbox, running_mailbox
from shared.devstack.process import free_port
from shared.redis import create_redis
from shared.services import service
from tests.subgraphs.notifications.support import NOTIFICATIONS, Producer, notifications_env
from tests.support.databases import DatabaseFactory
from tests.support.services import RunningService, running_service


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    return tmp_path / "mail"


@pytest.fixture
async def mailbox(smtp_port: int, mail_dir: Path) -> AsyncIterator[RunningMailbox]:
    async with running_mailbox("127.0.0.1", smtp_port, free_port(), mail_dir) as running:
        yield running


@pytest.fixture
async def notifications_database(databases: DatabaseFactory) -> AsyncIterator[str]:
    url = await databases.create(NOTIFICATIONS)
    try:
        yield url
    finally:
        await databases.drop(url)


@pytest.fixture
async def producer(databases: DatabaseFactory, redis_url: str) -> AsyncIterator[Producer]:
    # Any service's database has an outbox; the relay publishes each event on
    # its own producer's stream, whichever database it was recorded in.
    url = await databases.create(service("catalog"))
    engine = create_async_engine(url)
    redis = create_redis(redis_url)
    try:
        yield Producer(engine, redis)
    finally:
        await redis.aclose()
        await engine.dispose()
        await databases.drop(url)


StartNotifications = Callable[..., AbstractAsyncContextManager[RunningService]]


@pytest.fixture
def start_notifications(
    smtp_port: int, notifications_database: str, redis_url: str
) -> StartNotifications:
    """Starts the service with more settings (`NAME=value` keyword arguments)."""

    def start(**env: str) -> AbstractAsyncContextManager[RunningService]:
        return running_service(
            NOTIFICATIONS,
            database_url=notifications_database,
            redis_url=redis_url,
            env=notifications_env(f"smtp://127.0.0.1:{smtp_port}", **env),
        )

    return start


@pytest.fixture
async def notifications(start_notifications: StartNotifications) -> AsyncIterator[RunningService]:
    """The service, sending to `smtp_port`: to the `mailbox` fixture when the
    test asks for it too, else to whatever the test starts there."""
    async with start_notifications() as running:
        yield running
