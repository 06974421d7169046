"""Start a stack command (`minishop up` or the fake-subgraph driver) as a subprocess.

Shared by the devstack tests and the end-to-end fixture: free ports, its own
MINISHOP_HOME, waiting for the ready line, Ctrl-C, and what was left behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from shared.devstack.config import DEFAULT_SUBGRAPH_PORT_BASE
from shared.devstack.process import free_port, free_port_span, log_tail
from shared.devstack.stack import READY_PREFIX
from shared.services import COMPONENTS, SERVICES, WEB_APPS

STOP_LIMIT_SECONDS = 10.0
# Where the real stack's subgraphs and stand-ins listen, counted from the port base.
REGISTRY_OFFSETS = tuple(
    port - DEFAULT_SUBGRAPH_PORT_BASE
    for port in [
        *(s.port for s in SERVICES),
        *(p for c in COMPONENTS for p in c.ports),
        *(w.http_port for w in WEB_APPS),
    ]
)


@dataclass(frozen=True, slots=True)
class StackPorts:
    postgres: int
    redis: int
    subgraph_base: int
    gateway: int
    # The offsets from the base that the stack's subgraphs and stand-ins listen on.
    offsets: tuple[int, ...]

    @classmethod
    def pick(cls, offsets: tuple[int, ...] = REGISTRY_OFFSETS) -> StackPorts:
        return cls(
            postgres=free_port(),
            redis=free_port(),
            subgraph_base=free_port_span(max(offsets) + 1),
            gateway=free_port(),
            offsets=offsets,
        )

    def env(self) -> dict[str, str]:
        return {
            "MINISHOP_POSTGRES_PORT": str(self.postgres),
            "MINISHOP_REDIS_PORT": str(self.redis),
            "MINISHOP_SUBGRAPH_PORT_BASE": str(self.subgraph_base),
            "MINISHOP_GATEWAY_PORT": str(self.gateway),
        }

    def all(self, environ: Mapping[str, str] = os.environ) -> list[int]:
        """The ports the stack binds (not the servers' when it uses given ones)."""
        ports = [self.subgraph_base + i for i in self.offsets] + [self.gateway]
        if not environ.get("DATABASE_URL"):
            ports.append(self.postgres)
        if not environ.get("REDIS_URL"):
            ports.append(self.redis)
        return ports


def processes_started_for(home: Path) -> list[int]:
    """Pids of live processes whose environment has MINISHOP_HOME=`home` (Linux)."""
    marker = f"MINISHOP_HOME={home}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue  # gone meanwhile, or a kernel thread
    return found


@dataclass
class LaunchedStack:
    process: subprocess.Popen[bytes]
    home: Path
    ports: StackPorts
    output_path: Path

    def output(self) -> str:
        return self.output_path.read_text(errors="replace")

    def diagnostics(self) -> str:
        """The command's output and the end of every log, for a failure message."""
        parts = [f"--- output of the stack ({self.output_path}) ---", self.output()]
        for log in sorted((self.home / "logs").glob("*.log")):
            parts += [f"--- end of {log} ---", log_tail(log, 30)]
        return "\n".join(parts)

    def wait_ready(self, limit: float) -> None:
        deadline = time.monotonic() + limit
        while READY_PREFIX not in self.output():
            if self.process.poll() is not None:
                raise AssertionError(
                    f"the stack exited with {self.process.returncode} before it was ready\n"
                    + self.diagnostics()
                )
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError(
                    f"the stack was not ready within {limit:.0f} s\n" + self.diagnostics()
                )
            time.sleep(0.2)

    def wait_exit(self, limit: float) -> int | None:
        try:
            return self.process.wait(limit)
        except subprocess.TimeoutExpired:
            return None

    def interrupt(self) -> tuple[int | None, float]:
        """Ctrl-C: SIGINT to the stack process; its exit code (None if still running) and time."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGINT)
        code = self.wait_exit(STOP_LIMIT_SECONDS)
        return code, time.monotonic() - started

    def kill(self) -> None:
        """Last resort after a failed test: the stack and whatever it left."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        for pid in processes_started_for(self.home):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.wait_exit(STOP_LIMIT_SECONDS)


def launch(
    argv: Sequence[str],
    home: Path,
    ports: StackPorts,
    *,
    cwd: Path,
    extra_env: Mapping[str, str] | None = None,
    output_path: Path | None = None,
) -> LaunchedStack:
    home.mkdir(parents=True, exist_ok=True)
    output_path = output_path or home / "up.out"
    env = {
        **os.environ,
        **ports.env(),
        "MINISHOP_HOME": str(home),
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    with output_path.open("wb") as output:
        # Output to a file, not a pipe: an unread pipe would block the stack when full.
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            # Its own session: the signals in these tests reach only the stack process.
            start_new_session=True,
        )
    return LaunchedStack(process, home, ports, output_path)
