"""A notifications consumer SIGKILLed mid-batch: every event still gets its one e-mail.

The consumer runs in a child process (`tests.subgraphs.notifications.child`)
that kills itself at a known point; then the whole service starts, takes the
dead consumer's work over and sends. Counted at the SMTP server.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shared.devstack.mailbox import RunningMailbox
from tests.subgraphs.notifications.conftest import StartNotifications
from tests.subgraphs.notifications.support import (
    FAST_EVENTS_ENV,
    Producer,
    mailbox_messages,
    registered,
    rows,
    wait_settled,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
EVENTS = 50
READ_COUNT = 10
CHILD_ENV = {**FAST_EVENTS_ENV, "MINISHOP_EVENTS_READ_COUNT": str(READ_COUNT)}


async def run_child(*args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.subgraphs.notifications.child",
        *args,
        cwd=REPO_ROOT,
        env={**os.environ, **CHILD_ENV, "MINISHOP_LOG_LEVEL": "WARNING"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), 60)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return process.returncode, output.decode(errors="replace")


async def counts(database_url: str) -> tuple[int, int]:
    """Events recorded as processed, and messages recorded."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            processed = await connection.scalar(text("SELECT count(*) FROM processed_events"))
            messages = await connection.scalar(text("SELECT count(*) FROM notifications"))
    finally:
        await engine.dispose()
    return processed, messages


@pytest.mark.parametrize(
    ("crash", "at", "committed"),
    [
        # The 25th event is the 5th of the third batch of ten: two batches committed.
        ("mid-batch", 25, 20),
        # The second batch is committed, its acknowledgement never sent.
        ("before-ack", 2, 20),
    ],
)
async def test_a_consumer_killed_part_way_loses_and_doubles_no_message(
    notifications_database: str,
    redis_url: str,
    producer: Producer,
    start_notifications: StartNotifications,
    mailbox: RunningMailbox,
    crash: str,
    at: int,
    committed: int,
) -> None:
    users = [registered(f"Shopper {n}") for n in range(EVENTS)]
    envelopes = await producer.publish(*users)

    code, output = await run_child(notifications_database, redis_url, crash, str(at))

    assert code == -signal.SIGKILL, output
    # What the dead consumer left: whole batches, never part of one.
    assert await counts(notifications_database) == (committed, 2 * committed)
    async with start_notifications(MINISHOP_EVENTS_READ_COUNT=str(READ_COUNT)) as notifications:
        emails = await wait_settled(notifications, EVENTS, where="channel = 'EMAIL'", within=30)
        received = await mailbox_messages(mailbox)
        every_row = await rows(notifications, "SELECT event_id, channel FROM notifications")

    assert {m["status"] for m in emails} == {"SENT"}
    assert sorted(m["to"][0] for m in received) == sorted(u.email for u in users)
    assert len({m["message_id"] for m in received}) == EVENTS
    assert len(every_row) == 2 * EVENTS
    assert {r["event_id"] for r in every_row} == {e.id for e in envelopes}
