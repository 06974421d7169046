"""`minishop up`'s code end to end with stand-in subgraphs: real Postgres, Redis, processes."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from shared.devstack.config import REPO_ROOT
from shared.devstack.process import port_is_free
from tests.devstack.fake_service import CRASH_MESSAGE
from tests.devstack.launch import (
    STOP_LIMIT_SECONDS,
    LaunchedStack,
    StackPorts,
    launch,
    processes_started_for,
)

DRIVER = Path(__file__).with_name("run_fake_stack.py")
SERVICES = ("accounts", "catalog", "cart")
READY_LIMIT = 90.0


def start(home: Path, output_path: Path | None = None, **extra_env: str) -> LaunchedStack:
    ports = StackPorts.pick(offsets=tuple(range(len(SERVICES))))
    return launch(
        [sys.executable, str(DRIVER)],
        home,
        ports,
        cwd=REPO_ROOT,
        extra_env={"MINISHOP_THROWAWAY_DATA": "1", **extra_env},
        output_path=output_path,
    )


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[LaunchedStack]:
    launched = start(tmp_path / "home")
    try:
        launched.wait_ready(READY_LIMIT)
        yield launched
    finally:
        if launched.process.poll() is None:
            launched.kill()


def env_of(port: int) -> dict[str, object]:
    response = httpx.get(f"http://127.0.0.1:{port}/env", trust_env=False)
    response.raise_for_status()
    body: dict[str, object] = response.json()
    return body


def test_children_get_their_urls_databases_and_keys(stack: LaunchedStack) -> None:
    ports = stack.ports
    accounts, catalog, cart = (env_of(ports.subgraph_base + i)["env"] for i in range(3))
    gateway = env_of(ports.gateway)["env"]
    assert isinstance(accounts, dict) and isinstance(catalog, dict) and isinstance(cart, dict)
    assert isinstance(gateway, dict)

    server = f"postgresql+asyncpg://postgres@127.0.0.1:{ports.postgres}"
    assert accounts["ACCOUNTS_DATABASE_URL"] == f"{server}/minishop_accounts"
    assert catalog["CATALOG_DATABASE_URL"] == f"{server}/minishop_catalog"
    assert "CART_DATABASE_URL" not in cart
    # Database per service: nobody is told another service's database.
    assert "ACCOUNTS_DATABASE_URL" not in catalog
    assert accounts["ACCOUNTS_JWT_PRIVATE_KEY_FILE"] == str(stack.home / "keys/jwt-signing.pem")
    assert "ACCOUNTS_JWT_PRIVATE_KEY_FILE" not in catalog
    for env in (accounts, catalog, cart, gateway):
        assert env["MINISHOP_REDIS_URL"] == f"redis://127.0.0.1:{ports.redis}/0"
        assert env["MINISHOP_JWKS_URL"] == (
            f"http://127.0.0.1:{ports.subgraph_base}/.well-known/jwks.json"
        )
        assert env["MINISHOP_ENV"] == "development"
    for index, name in enumerate(SERVICES):
        url = f"http://127.0.0.1:{ports.subgraph_base + index}"
        assert cart[f"MINISHOP_SERVICE_{name.upper()}_URL"] == url
        assert gateway[f"MINISHOP_SUBGRAPH_{name.upper()}_URL"] == f"{url}/graphql"
    assert gateway["MINISHOP_GATEWAY_PORT"] == str(ports.gateway)
    assert gateway["MINISHOP_SUPERGRAPH"] == str(REPO_ROOT / "schema/supergraph.graphql")
    assert "MINISHOP_SERVICE_ACCOUNTS_URL" not in gateway


async def test_databases_are_created_migrated_and_seeded(stack: LaunchedStack) -> None:
    for name in ("accounts", "catalog"):
        connection = await asyncpg.connect(
            f"postgresql://postgres@127.0.0.1:{stack.ports.postgres}/minishop_{name}"
        )
        try:
            assert await connection.fetchval("SELECT service FROM seeded") == name
        finally:
            await connection.close()


def test_ready_line_names_graphiql_and_the_admin(stack: LaunchedStack) -> None:
    output = stack.output()

    assert (
        f"MiniShop is ready: GraphiQL at http://127.0.0.1:{stack.ports.gateway}/graphql "
        "(admin: admin@minishop.local / minishop-admin-dev)"
    ) in output
    assert f"Logs: {stack.home}/logs/<name>.log" in output


def test_sigint_stops_everything_within_10_s_and_frees_every_port(stack: LaunchedStack) -> None:
    assert processes_started_for(stack.home)

    code, seconds = stack.interrupt()

    assert code == 0, stack.diagnostics()
    assert seconds < STOP_LIMIT_SECONDS
    assert [port for port in stack.ports.all() if not port_is_free(port)] == []
    assert processes_started_for(stack.home) == []
    assert stack.output().rstrip().endswith("minishop: stopped.")


def test_a_dead_subgraph_is_reported_and_the_rest_is_stopped(tmp_path: Path) -> None:
    launched = start(tmp_path / "home", FAKE_CRASH="catalog")
    try:
        code = launched.wait_exit(READY_LIMIT)
        output = launched.output()

        assert code == 1, launched.diagnostics()
        assert "catalog exited unexpectedly (exit code 3)" in output
        assert CRASH_MESSAGE in output
        assert f"Full log: {launched.home / 'logs' / 'catalog.log'}" in output
        assert [port for port in launched.ports.all() if not port_is_free(port)] == []
        assert processes_started_for(launched.home) == []
    finally:
        if launched.process.poll() is None:
            launched.kill()


def test_a_second_up_on_the_same_home_is_refused(stack: LaunchedStack, tmp_path: Path) -> None:
    second = start(stack.home, output_path=tmp_path / "second.out")
    try:
        assert second.wait_exit(30) == 1
        assert second.output() == (
            f"minishop: error: another `minishop up` is already using {stack.home}\n"
        )
    finally:
        if second.process.poll() is None:
            second.kill()
    # The first one is untouched.
    assert stack.process.poll() is None
    assert env_of(stack.ports.gateway)["pid"]


def test_a_busy_port_is_reported_before_anything_starts(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        launched = start(tmp_path / "home", MINISHOP_GATEWAY_PORT=str(port))
        try:
            assert launched.wait_exit(30) == 1
        finally:
            if launched.process.poll() is None:
                launched.kill()

    output = launched.output()
    assert f"port(s) {port} already in use: is another MiniShop running?" in output
    assert "starting Postgres" not in output
