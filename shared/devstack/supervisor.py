"""Runs the stack's named child processes and notices when one of them dies.

Each child writes stdout+stderr to `<log_dir>/<name>.log`. The supervisor waits
for readiness URLs, reports a child that exits unexpectedly (name, exit code or
signal, the end of its log, the log's path) and stops all children on request.
Servers started elsewhere (Postgres, Redis) can be watched too, so their death
is reported the same way; whoever started them stops them.
"""

from __future__ import annotations

import asyncio
import signal
from asyncio.subprocess import Process
from collections.abc import Awaitable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx

from shared.devstack.process import describe_exit, log_tail, spawn, terminate
from shared.devstack.signals import StopSignals

T = TypeVar("T")

LOG_TAIL_LINES = 25


@dataclass(frozen=True, slots=True)
class ChildSpec:
    """How to run one child: what, with which environment, where, and when it is ready."""

    name: str
    argv: tuple[str, ...]
    env: Mapping[str, str]
    cwd: Path
    # Answering HTTP 200 here means ready; None means ready once started.
    ready_url: str | None = None
    stop_signal: int = signal.SIGTERM


@dataclass(slots=True)
class Watched:
    name: str
    process: Process
    log_path: Path
    # None for a server the supervisor only watches.
    spec: ChildSpec | None = None


class ChildExited(RuntimeError):
    """A supervised process exited while it should have been running."""

    def __init__(self, name: str, returncode: int, log_path: Path) -> None:
        super().__init__(f"{name} exited unexpectedly ({describe_exit(returncode)})")
        self.name = name
        self.returncode = returncode
        self.log_path = log_path

    def report(self) -> str:
        return _report(str(self), self.log_path)


class NotReady(RuntimeError):
    """A child did not answer its readiness URL in time."""

    def __init__(self, name: str, url: str, seconds: float, log_path: Path) -> None:
        super().__init__(f"{name} was not ready at {url} within {seconds:.0f} s")
        self.name = name
        self.log_path = log_path

    def report(self) -> str:
        return _report(str(self), self.log_path)


def _report(headline: str, log_path: Path) -> str:
    tail = log_tail(log_path, LOG_TAIL_LINES)
    indented = "\n".join(f"    {line}" for line in tail.splitlines()) or "    (empty)"
    return f"{headline}\nLast lines of its log:\n{indented}\nFull log: {log_path}"


class Supervisor:
    """Starts children, waits until they are ready, watches them, stops them.

    Every wait also ends on a stop signal (`StopRequested`) or on the death of
    any watched process (`ChildExited`), whichever comes first.
    """

    def __init__(self, log_dir: Path, stop: StopSignals, *, grace: float = 5.0) -> None:
        self.log_dir = log_dir
        self.stop_signals = stop
        # Seconds a child gets between its stop signal and SIGKILL.
        self.grace = grace
        self._watched: list[Watched] = []

    def log_path(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    @property
    def children(self) -> list[Watched]:
        return [watched for watched in self._watched if watched.spec is not None]

    async def spawn(self, spec: ChildSpec) -> Watched:
        if any(watched.name == spec.name for watched in self._watched):
            raise ValueError(f"a child named {spec.name!r} is already supervised")
        process = await spawn(
            spec.argv,
            log_path=self.log_path(spec.name),
            env=spec.env,
            cwd=spec.cwd,
            death_signal=spec.stop_signal,
        )
        watched = Watched(spec.name, process, self.log_path(spec.name), spec)
        self._watched.append(watched)
        return watched

    def watch(self, name: str, process: Process, log_path: Path) -> None:
        """Report `process`'s death like a child's; stopping it stays with its owner."""
        self._watched.append(Watched(name, process, log_path))

    async def wait_ready(self, names: Collection[str], ready_timeout: float) -> None:
        """Wait until each named child answers HTTP 200 at its readiness URL."""
        targets = [w for w in self.children if w.name in names]
        missing = set(names) - {w.name for w in targets}
        if missing:
            raise KeyError(f"not supervised: {', '.join(sorted(missing))}")
        # trust_env=False: a proxy from the environment must not see 127.0.0.1 calls.
        async with httpx.AsyncClient(timeout=2.0, trust_env=False) as client:
            await self._until(
                asyncio.gather(*(self._poll_ready(client, w, ready_timeout) for w in targets))
            )

    async def run_until_stopped(self) -> None:
        """Return when a stop signal arrives; raise ChildExited if a process dies first."""
        await self._until(self.stop_signals.event.wait())

    async def stop(self) -> None:
        """Stop every spawned child at once: its stop signal, SIGKILL after the grace period."""
        await asyncio.gather(
            *(
                terminate(w.process, sig=w.spec.stop_signal, grace=self.grace)
                for w in self.children
                if w.spec is not None
            )
        )

    async def _until(self, awaitable: Awaitable[T]) -> T:
        """Await `awaitable`, unless a stop signal or a watched process's exit comes first."""
        return await self.stop_signals.guard(self._unless_one_exits(awaitable))

    async def _unless_one_exits(self, awaitable: Awaitable[T]) -> T:
        work = asyncio.ensure_future(awaitable)
        exits = {asyncio.ensure_future(w.process.wait()): w for w in self._watched}
        try:
            done, _ = await asyncio.wait({work, *exits}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (work, *exits):
                task.cancel()
            await asyncio.gather(work, *exits, return_exceptions=True)
        for task, watched in exits.items():
            if task in done:
                raise ChildExited(watched.name, task.result(), watched.log_path)
        return work.result()

    async def _poll_ready(
        self, client: httpx.AsyncClient, watched: Watched, ready_timeout: float
    ) -> None:
        assert watched.spec is not None
        url = watched.spec.ready_url
        if url is None:
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ready_timeout
        while loop.time() < deadline:
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
        raise NotReady(watched.name, url, ready_timeout, watched.log_path)
