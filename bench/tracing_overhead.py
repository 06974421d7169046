"""What tracing costs on the catalog product page, with the sampler at 10 %.

    bench/setup.sh                      # once: installs wrk, the load generator
    .venv/bin/python -m bench.tracing_overhead [--rounds 5] [--seconds 6] [--ratio 0.1]

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
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.client import machine
from bench.processes import catalog_process, gateway_process
from bench.reads import PRODUCT, SERVERS, Target, difference, interleaved, ratio, wait_up
from bench.stack import running_stack
from bench.wrk import WrkResult, write_bodies
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
            catalog_process(config, database, traced_env) as traced_catalog,
            gateway_process(config, twin, {}) as twin_gateway,
            gateway_process(config, traced_catalog, traced_env) as traced_gateway,
        ):
            async with httpx.AsyncClient(timeout=60, trust_env=False) as http:
                for url in (twin, traced_catalog, twin_gateway, traced_gateway):
                    await wait_up(http, url)
            subgraph = f"{config.service_url(catalog)}/graphql"
            SERVERS.clear()
            for name, url in (
                ("catalog", subgraph),
                ("catalog twin", twin),
                ("catalog traced", traced_catalog),
                ("gateway", stack.gateway_url),
                ("gateway twin", twin_gateway),
                ("gateway traced", traced_gateway),
            ):
                SERVERS[name] = int(url.rsplit(":", 1)[1].split("/")[0])
            for connections in (args.connections, 1):
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
    print(f"{sink.exports} OTLP exports received; after: {machine()}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
