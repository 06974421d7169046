"""The real Hive Gateway (node) in front of two toy subgraphs.

The supergraph is composed with the project's pipeline and its routing URLs
point at a port where nothing listens: every answer the tests get proves the
MINISHOP_SUBGRAPH_<NAME>_URL overrides are what the gateway used.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from strawberry.printer import print_schema

from shared.schema_pipeline import REPO_ROOT, compose, ensure_router_node_modules
from tests.gateway.toy_subgraphs import (
    TOY_SECRET,
    RunningSubgraph,
    free_port,
    products_schema,
    reviews_schema,
    serve,
)

ROUTER_DIR = REPO_ROOT / "router"
GATEWAY_BIN = ROUTER_DIR / "node_modules" / ".bin" / "hive-gateway"
START_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 10
# Settings the gateway (or the Hive CLI itself) reads: the tests set their own.
_INHERITED_SETTINGS = ("MINISHOP_", "APOLLO_", "HIVE_")
_HIVE_CLI_ENV = {"HOST", "PORT", "FORK", "CONFIG_PATH", "POLLING", "NODE_ENV", "JIT"}


@dataclass(frozen=True)
class Gateway:
    url: str
    log_path: Path

    @property
    def graphql_url(self) -> str:
        return f"{self.url}/graphql"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture(scope="session")
def router_packages() -> Path:
    """router/node_modules, installed with `npm ci` on a fresh clone."""
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed: the gateway cannot run")
    ensure_router_node_modules(REPO_ROOT)
    assert GATEWAY_BIN.exists(), f"{GATEWAY_BIN} is missing after npm ci"
    return ROUTER_DIR / "node_modules"


@pytest.fixture(scope="session")
def toy_subgraphs() -> Iterator[dict[str, RunningSubgraph]]:
    with (
        serve("products", products_schema()) as products,
        serve("reviews", reviews_schema()) as reviews,
    ):
        yield {"products": products, "reviews": reviews}


@pytest.fixture(scope="session")
def unreachable_url() -> str:
    """A URL on a port that was free a moment ago: connections are refused."""
    return f"http://127.0.0.1:{free_port()}/graphql"


@pytest.fixture(scope="session")
def toy_supergraph(
    router_packages: Path, tmp_path_factory: pytest.TempPathFactory, unreachable_url: str
) -> Path:
    sdl = compose(
        {"products": print_schema(products_schema()), "reviews": print_schema(reviews_schema())},
        routing_urls={"products": unreachable_url, "reviews": unreachable_url},
    )
    path = tmp_path_factory.mktemp("supergraph") / "supergraph.graphql"
    path.write_text(sdl, encoding="utf-8")
    return path


def gateway_env(port: int, supergraph: Path, settings: Mapping[str, str]) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_INHERITED_SETTINGS) and key not in _HIVE_CLI_ENV
    }
    env.update(
        MINISHOP_SUPERGRAPH=str(supergraph),
        MINISHOP_GATEWAY_PORT=str(port),
        # What the toy subgraphs verify the gateway's signed headers with.
        MINISHOP_INTERNAL_SECRET=TOY_SECRET,
        NO_COLOR="1",
    )
    env.update(settings)
    return env


def refused_start_output(supergraph: Path, settings: Mapping[str, str]) -> str:
    """Start the gateway with `settings`, expecting it to refuse: what it printed."""
    port = free_port()
    completed = subprocess.run(
        [str(GATEWAY_BIN), "supergraph", str(supergraph), "--port", str(port)],
        cwd=ROUTER_DIR,
        env=gateway_env(port, supergraph, settings),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode != 0, "the gateway started"
    return completed.stdout + completed.stderr


@contextmanager
def running_gateway(
    supergraph: Path, log_dir: Path, settings: Mapping[str, str]
) -> Iterator[Gateway]:
    """Start the gateway as MiniShop does; always stop it, even if a test fails."""
    port = free_port()
    log_path = log_dir / f"gateway-{port}.log"
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                str(GATEWAY_BIN),
                "supergraph",
                str(supergraph),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=ROUTER_DIR,
            env=gateway_env(port, supergraph, settings),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as one below
        )
    try:
        _wait_ready(process, f"{url}/readiness", log_path)
        yield Gateway(url=url, log_path=log_path)
    finally:
        _stop(process)


def _wait_ready(process: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gateway exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"gateway not ready in {START_TIMEOUT_SECONDS} s:\n{log_path.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
