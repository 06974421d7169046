"""Low-level helpers for the processes the local stack owns.

Every long-running process is started in its own process group (so a Ctrl-C in
the terminal reaches only `minishop up`, which then stops things in order) and,
on Linux, with a parent-death signal (so nothing outlives a killed supervisor
and keeps a port bound).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import pwd
import secrets
import signal
import socket
import stat
import subprocess
import sys
from asyncio.subprocess import Process
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

# prctl(2) option number, from <linux/prctl.h>.
_PR_SET_PDEATHSIG = 1


def _death_signal_setter(sig: int) -> Callable[[], None] | None:
    if sys.platform != "linux":
        return None
    # Resolved here, in the parent: the code run between fork and exec must not
    # import or allocate much.
    prctl = ctypes.CDLL(None, use_errno=True).prctl

    def set_death_signal() -> None:
        prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)

    return set_death_signal


async def spawn(
    argv: Sequence[str],
    *,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    user: str | None = None,
    death_signal: int = signal.SIGTERM,
) -> Process:
    """Start `argv` in a new process group with stdout+stderr written to `log_path`.

    The log is truncated: it holds this run only. `death_signal` is what the
    child receives if this process dies without stopping it (Linux only; the
    fork happens on the event loop's thread, which lives as long as we do).
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        return await asyncio.create_subprocess_exec(
            *argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            process_group=0,
            **as_user(user),
            preexec_fn=_death_signal_setter(death_signal),
        )


def as_user(user: str | None) -> dict[str, Any]:
    """subprocess arguments that run a child as `user`, with only that user's group.

    Keeping root's groups would make group permission bits (e.g. `drwx-----x`
    root:root) apply and deny the traversal the `o+x` bit is meant to allow.
    """
    if user is None:
        return {}
    return {"user": user, "group": pwd.getpwnam(user).pw_gid, "extra_groups": []}


def _signal_group(process: Process, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


async def terminate(process: Process, *, sig: int = signal.SIGTERM, grace: float = 5.0) -> int:
    """Send `sig` to the process group, SIGKILL it after `grace` seconds; the exit code.

    The whole group is signalled so helpers the child started go too.
    """
    if process.returncode is None:
        _signal_group(process, sig)
        try:
            async with asyncio.timeout(grace):
                return await process.wait()
        except TimeoutError:
            pass
    # Also when the leader is gone already: members of its group may not be.
    _signal_group(process, signal.SIGKILL)
    return await process.wait()


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = str(-returncode)
        return f"killed by signal {name}"
    return f"exit code {returncode}"


def log_tail(path: Path, lines: int = 20) -> str:
    """The last `lines` lines of a log file (decoded leniently), or a note if unreadable."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            # Logs can be large; the tail is in the last few kilobytes.
            handle.seek(max(0, size - 64 * 1024))
            text = handle.read().decode("utf-8", errors="replace")
    except OSError as error:
        return f"(cannot read {path}: {error.strerror})"
    return "\n".join(text.splitlines()[-lines:])


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing listens on host:port.

    SO_REUSEADDR makes connections left in TIME_WAIT not count: only a listening
    socket makes the bind fail.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


# Ports handed out are drawn from below the kernel's ephemeral range: a port
# inside it can be taken, between the pick and the server's bind, as the source
# port of any outgoing connection (seen: a subgraph failing to start, its port
# in use by a client socket of the same test run).
LOWEST_PICKED_PORT = 20000
_handed_out: set[int] = set()


def _ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now, outside the ephemeral range, not handed out before."""
    return free_port_span(1, host)


def free_port_span(count: int, host: str = "127.0.0.1") -> int:
    """The first of `count` consecutive ports like `free_port`'s."""
    top = _ephemeral_start() - count
    if top <= LOWEST_PICKED_PORT:
        raise RuntimeError("no room below the ephemeral port range")
    for _ in range(500):
        first = LOWEST_PICKED_PORT + secrets.randbelow(top - LOWEST_PICKED_PORT)
        span = range(first, first + count)
        if _handed_out.isdisjoint(span) and all(port_is_free(port, host) for port in span):
            _handed_out.update(span)
            return first
    raise RuntimeError(f"no {count} consecutive free ports found")


def ensure_user(name: str) -> pwd.struct_passwd:
    """The system user `name`, created without a home or login shell if missing."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(  # noqa: S603
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],  # noqa: S607
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(name)


def ensure_traversable(path: Path) -> None:
    """Let other users reach `path`: add o+x to every ancestor directory lacking it.

    Only search permission is added, never read, so directory listings stay private.
    """
    for directory in path.resolve().parents:
        mode = directory.stat().st_mode
        if not mode & stat.S_IXOTH:
            directory.chmod(mode | stat.S_IXOTH)


def ensure_world_readable(root: Path) -> None:
    """Make a tree of installed files readable (and dirs/executables usable) by others."""
    for directory, _dirs, files in os.walk(root):
        _add_mode(Path(directory), stat.S_IROTH | stat.S_IXOTH)
        for name in files:
            file = Path(directory, name)
            if file.is_symlink():
                continue
            mode = file.stat().st_mode
            wanted = stat.S_IROTH | (stat.S_IXOTH if mode & stat.S_IXUSR else 0)
            _add_mode(file, wanted)


def _add_mode(path: Path, bits: int) -> None:
    mode = path.stat().st_mode
    if mode & bits != bits:
        path.chmod(mode | bits)
