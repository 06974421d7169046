"""The whole stack for a benchmark: `minishop up --throwaway-data` on free ports.

    async with running_stack({"MINISHOP_RATE_LIMITS": "off"}) as stack:
        ...  # stack.gateway_url, stack.config

It runs in a temporary home (deleted afterwards) with embedded servers unless
DATABASE_URL / REDIS_URL are set, exactly as `make up` would.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections import deque
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from shared.devstack.config import LOCAL_PORT_SPAN, REPO_ROOT, StackConfig
from shared.devstack.postgres import SUPERUSER, database_url
from shared.devstack.process import free_port, free_port_span
from shared.devstack.stack import READY_PREFIX
from shared.services import ServiceSpec

MINISHOP = Path(sys.executable).with_name("minishop")
READY_SECONDS = 180.0


@dataclass(frozen=True, slots=True)
class BenchStack:
    config: StackConfig

    @property
    def gateway_url(self) -> str:
        return self.config.gateway_url

    def database_url(self, spec: ServiceSpec) -> str:
        """A plain `postgresql://` URL of a service's database, for asyncpg."""
        config = self.config
        server = (
            config.database_url or f"postgresql://{SUPERUSER}@127.0.0.1:{config.postgres_port}/"
        )
        return database_url(server, spec.database_name, driver=None)


@contextlib.asynccontextmanager
async def running_stack(extra_env: Mapping[str, str] | None = None) -> AsyncIterator[BenchStack]:
    with tempfile.TemporaryDirectory(prefix="minishop-bench-") as home:
        env = {
            **os.environ,
            **(extra_env or {}),
            "MINISHOP_HOME": home,
            "MINISHOP_SUBGRAPH_PORT_BASE": str(free_port_span(LOCAL_PORT_SPAN)),
            "MINISHOP_GATEWAY_PORT": str(free_port()),
            "MINISHOP_POSTGRES_PORT": str(free_port()),
            "MINISHOP_REDIS_PORT": str(free_port()),
        }
        config = dataclasses.replace(StackConfig.from_env(env), repo_root=REPO_ROOT)
        # Popen returns at once; the waiting happens in a thread below.
        process = subprocess.Popen(  # noqa: S603, ASYNC220 - our own CLI
            [str(MINISHOP), "up", "--throwaway-data"],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        tail: deque[str] = deque(maxlen=40)
        try:
            await asyncio.wait_for(asyncio.to_thread(_wait_ready, process, tail), READY_SECONDS)
            yield BenchStack(config)
        finally:
            if process.poll() is not None:
                # It stopped before we asked it to: say why, or a benchmark's failure misleads.
                print("the stack stopped by itself:\n" + "".join(tail), file=sys.stderr)
            else:
                os.killpg(process.pid, signal.SIGINT)
                try:
                    await asyncio.to_thread(process.wait, 20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


def _wait_ready(process: subprocess.Popen[str], tail: deque[str]) -> None:
    assert process.stdout is not None
    seen: list[str] = []
    for line in process.stdout:
        seen.append(line)
        if line.startswith(READY_PREFIX):
            # Keep reading its output, so the stack never blocks on a full pipe.
            threading.Thread(target=_drain, args=(process.stdout, tail), daemon=True).start()
            return
    raise RuntimeError("the stack stopped before it was ready:\n" + "".join(seen[-30:]))


def _drain(stream: IO[str], tail: deque[str]) -> None:
    for line in stream:
        tail.append(line)
