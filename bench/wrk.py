"""Running wrk (bench/setup.sh installs it) with bench/wrk_bodies.lua and reading its figures."""

from __future__ import annotations

import asyncio
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).with_name("wrk_bodies.lua")


@dataclass(frozen=True, slots=True)
class WrkResult:
    requests: int
    seconds: float
    failures: int
    socket_errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed: run bench/setup.sh")
    return found


async def run_wrk(url: str, bodies: Path, *, connections: int, seconds: float) -> WrkResult:
    """One wrk run on one thread (enough for a few tens of thousands of requests/s)."""
    process = await asyncio.create_subprocess_exec(
        wrk_path(),
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        url,
        "--",
        str(bodies),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    text = output.decode()
    line = next((ln for ln in text.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{text}")
    raw = json.loads(line.removeprefix("RESULT "))
    return WrkResult(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        failures=raw["failures"],
        socket_errors=raw["socket_errors"],
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
    )


def write_bodies(path: Path, lines: list[tuple[str, dict[str, object]]]) -> Path:
    """The request file for wrk_bodies.lua: one `<token>\\t<json>` line per request body."""
    with path.open("w", encoding="utf-8") as out:
        for token, body in lines:
            out.write(f"{token}\t{json.dumps(body, separators=(',', ':'))}\n")
    return path
