"""What tracing costs on the catalog product page, with the sampler at 10 %.

    bench/setup.sh                      # once: installs wrk, the load generator
    .venv/bin/python -m bench.tracing_overhead [--rounds 5] [--seconds 6] [--ratio 0.1]
                                        [--side-by-side-only]

Starts the whole stack untraced (`minishop up --throwaway-data`, rate limits
off: OTEL_EXPORTER_OTLP_ENDPOINT unset) and, beside it on the same database and
Redis:

- a second catalog process and a second gateway in front of it, also
  untraced: the noise floor between two identical processes, and the
  untraced twins the traced ones are compared with (same kind of process,
  started the same way);
- a traced catalog process and a traced gateway in front of it (the stack's
  other subgraphs behind it), both exporting over OTLP/HTTP to a sink here
  that reads and drops what it gets (a collector's work is not ours to time),
  with `parentbased_traceidratio` at `--ratio`.

Then `product(slug)` over every product's slug, driven by wrk, one random body
per request: untraced and traced catalog, untraced and traced gateway, in
interleaved rounds in a shuffled order (bench/reads.py's machinery), at
`--connections` and at 1. Prints the machine, date and load, each target's
medians and the overheads: 1 - traced/untraced throughput, the p50 added, and
the CPU per request of the servers behind each (read from /proc), which the
other target's load barely moves.

Rounds one after the other drift with the machine (two identical untraced
catalogs differed by up to 27 % that way), so the CPU per request is also
measured side by side: an untraced and a traced target under the same load at
the same time, one connection each, round after round; the figure is the median
of the rounds' ratios, beside the same for two identical untraced catalogs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.client import machine
from bench.cpu import cpu_seconds, listening_pids
from bench.processes import catalog_process, gateway_process
from bench.reads import PRODUCT, SERVERS, Target, difference, interleaved, ratio, wait_up
from bench.stack import running_stack
from bench.wrk import WrkResult, run_wrk, write_bodies
from shared.services import service


class _Sink:
    """OTLP/HTTP endpoint that accepts and drops every export, counting them."""

    def __init__(self) -> None:
        self.exports = 0
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                if self.headers.get("transfer-encoding", "").lower() == "chunked":
                    while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                        self.rfile.read(size)
                        self.rfile.readline()
                    self.rfile.readline()
                else:
                    self.rfile.read(int(self.headers.get("content-length") or 0))
                sink.exports += 1
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


def _tracing_env(endpoint: str, sample_ratio: float) -> dict[str, str]:
    return {
        "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
        "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
        "OTEL_TRACES_SAMPLER_ARG": str(sample_ratio),
    }


def _rate(run: WrkResult) -> float:
    return run.rate


def _p50(run: WrkResult) -> float:
    return run.p50_ms


async def side_by_side(
    title: str,
    urls: tuple[str, str],
    bodies: Path,
    servers: tuple[tuple[str, ...], tuple[str, ...]],
    rounds: int,
    seconds: float,
) -> None:
    """CPU per request of the servers behind the second target against the first's,
    both loaded at once so that whatever else the machine does weighs on both."""
    pids = [[pid for name in group for pid in listening_pids(SERVERS[name])] for group in servers]
    ratios: list[float] = []
    for _ in range(rounds):
        before = [cpu_seconds(group) for group in pids]
        runs = await asyncio.gather(
            *(run_wrk(url, bodies, connections=1, seconds=seconds) for url in urls)
        )
        per_request = [
            (cpu_seconds(group) - start) * 1000 / max(run.requests, 1)
            for group, start, run in zip(pids, before, runs, strict=True)
        ]
        ratios.append(per_request[1] / per_request[0] - 1)
    print(
        f"  => {title}: CPU per request {statistics.median(ratios):+.1%} "
        f"(rounds {min(ratios):+.1%} to {max(ratios):+.1%})",
        flush=True,
    )


def report(
    title: str,
    untraced: Target,
    traced: Target,
    servers: tuple[tuple[str, ...], tuple[str, ...]],
) -> None:
    """Throughput lost and p50 added, and the CPU per request the servers behind
    each target used (the gateway and its catalog), traced against untraced."""
    cost = 1 - ratio(traced, untraced, _rate)
    added = difference(traced, untraced, _p50)
    untraced_cpu = sum(untraced.cpu_ms(name) for name in servers[0])
    traced_cpu = sum(traced.cpu_ms(name) for name in servers[1])
    print(
        f"  => {title}: throughput {cost:+.1%} lost, p50 {added:+.2f} ms, CPU per request "
        f"{untraced_cpu:.2f} -> {traced_cpu:.2f} ms ({traced_cpu / untraced_cpu - 1:+.1%})",
        flush=True,
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--ratio", type=float, default=0.1)
    parser.add_argument(
        "--side-by-side-only", action="store_true", help="skip the interleaved rounds"
    )
    args = parser.parse_args()
    print(f"tracing overhead: {machine()}", flush=True)
    sink = _Sink()
    traced_env = _tracing_env(sink.url, args.ratio)
    async with running_stack(
        {"MINISHOP_RATE_LIMITS": "off", "MINISHOP_LOG_LEVEL": "WARNING"}
    ) as stack:
        config = stack.config
        catalog = service("catalog")
        database = stack.database_url(catalog)
        connection = await asyncpg.connect(database)
        try:
            slugs = [row["slug"] for row in await connection.fetch("SELECT slug FROM products")]
        finally:
            await connection.close()
        folder = Path(tempfile.mkdtemp(prefix="minishop-tracing-"))
        bodies = write_bodies(
            folder / "product.txt",
            [("", {"query": PRODUCT, "variables": {"slug": s}}) for s in slugs],
        )
        print(f"{len(slugs)} products, sampler parentbased_traceidratio {args.ratio}", flush=True)
        with (
            catalog_process(config, database, {}) as twin,
            catalog_process(config, database, {}) as second_twin,
            catalog_process(config, database, traced_env) as traced_catalog,
            gateway_process(config, twin, {}) as twin_gateway,
            gateway_process(config, traced_catalog, traced_env) as traced_gateway,
        ):
            async with httpx.AsyncClient(timeout=60, trust_env=False) as http:
                for url in (twin, second_twin, traced_catalog, twin_gateway, traced_gateway):
                    await wait_up(http, url)
            subgraph = f"{config.service_url(catalog)}/graphql"
            SERVERS.clear()
            for name, url in (
                ("catalog", subgraph),
                ("catalog twin", twin),
                ("catalog twin 2", second_twin),
                ("catalog traced", traced_catalog),
                ("gateway", stack.gateway_url),
                ("gateway twin", twin_gateway),
                ("gateway traced", traced_gateway),
            ):
                SERVERS[name] = int(url.rsplit(":", 1)[1].split("/")[0])
            for connections in () if args.side_by_side_only else (args.connections, 1):
                targets = [
                    Target(f"catalog, untraced, {connections} conn", subgraph, bodies, connections),
                    Target(
                        f"catalog twin, untraced, {connections} conn", twin, bodies, connections
                    ),
                    Target(
                        f"catalog, traced, {connections} conn", traced_catalog, bodies, connections
                    ),
                    Target(
                        f"gateway, untraced, {connections} conn",
                        stack.gateway_url,
                        bodies,
                        connections,
                    ),
                    Target(
                        f"gateway twin, untraced, {connections} conn",
                        twin_gateway,
                        bodies,
                        connections,
                    ),
                    Target(
                        f"gateway, traced, {connections} conn", traced_gateway, bodies, connections
                    ),
                ]
                await interleaved(targets, args.rounds, args.seconds)
                untraced, twin_target, traced, gw, twin_gw, traced_gw = targets
                print(f"product(slug) at {connections} connection(s):")
                for target in targets:
                    print(target.line())
                catalogs = (("catalog",), ("catalog twin",))
                report("noise (two untraced catalogs)", untraced, twin_target, catalogs)
                # Against the twin: the stack's catalog also relays its outbox.
                report(
                    "catalog traced vs untraced twin",
                    twin_target,
                    traced,
                    (("catalog twin",), ("catalog traced",)),
                )
                report(
                    "noise (two untraced gateways)",
                    gw,
                    twin_gw,
                    (("gateway", "catalog"), ("gateway twin", "catalog twin")),
                )
                report(
                    "gateway+catalog traced vs untraced twins",
                    twin_gw,
                    traced_gw,
                    (("gateway twin", "catalog twin"), ("gateway traced", "catalog traced")),
                )
            print("product(slug) side by side, one connection each:", flush=True)
            for title, urls, servers in (
                (
                    "noise (two untraced catalogs)",
                    (twin, second_twin),
                    (("catalog twin",), ("catalog twin 2",)),
                ),
                (
                    "catalog traced vs untraced twin",
                    (twin, traced_catalog),
                    (("catalog twin",), ("catalog traced",)),
                ),
                (
                    "gateway+catalog traced vs untraced twins",
                    (twin_gateway, traced_gateway),
                    (("gateway twin", "catalog twin"), ("gateway traced", "catalog traced")),
                ),
            ):
                await side_by_side(title, urls, bodies, servers, args.rounds, args.seconds)
    print(f"{sink.exports} OTLP exports received; after: {machine()}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
