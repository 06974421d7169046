"""`minishop worker <service>` starts for every service of the registry, runs its
consumers (the cart's, which has no database, included) and stops on SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys

import pytest

from shared.devstack.config import REPO_ROOT
from shared.services import SERVICES, ServiceSpec
from tests.support.databases import DatabaseFactory

START_SECONDS = 60.0


async def running_line(stream: asyncio.StreamReader) -> dict[str, object]:
    """The worker's 'event worker running' log line (JSON), read from its output."""
    while line := await stream.readline():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("message") == "event worker running":
            return dict(record)
    raise AssertionError("the worker ended before it ran")


@pytest.mark.parametrize("spec", SERVICES, ids=[spec.name for spec in SERVICES])
async def test_every_service_has_a_worker_that_runs_its_consumers_and_stops_on_sigterm(
    spec: ServiceSpec, databases: DatabaseFactory, redis_url: str
) -> None:
    env = {
        **os.environ,
        "MINISHOP_REDIS_URL": redis_url,
        "MINISHOP_LOG_LEVEL": "INFO",
        "MINISHOP_EVENTS_IN_PROCESS": "false",
    }
    database = await databases.create(spec) if spec.uses_postgres else None
    if database is not None:
        env[f"{spec.env_prefix}DATABASE_URL"] = database
    worker = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "shared.events.worker", spec.name),
        cwd=REPO_ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        assert worker.stdout is not None
        running = await asyncio.wait_for(running_line(worker.stdout), START_SECONDS)

        worker.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(worker.wait(), 20)
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
        if database is not None:
            await databases.drop(database)

    assert code == 0
    consumers = running.get("consumers")
    assert isinstance(consumers, list)
    # Every service that consumes events names its consumer group; the cart's
    # OrderPlaced consumer runs here although the cart has no database.
    if spec.name in {"cart", "orders", "shipping", "notifications"}:
        assert consumers == [spec.name]
