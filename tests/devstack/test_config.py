"""What `minishop up` reads from the environment and hands to each child."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

from shared.devstack.children import Backends, gateway_child, subgraph_child
from shared.devstack.config import REPO_ROOT, ConfigError, StackConfig
from shared.devstack.stack import StackError, home_lock, redact
from shared.services import SERVICES, ServiceSpec

KEY = Path("/home/keys/jwt-signing.pem")


def test_defaults_are_the_documented_development_ones() -> None:
    config = StackConfig.from_env({})

    assert config.home == REPO_ROOT / ".minishop"
    assert (config.postgres_port, config.redis_port) == (5433, 6380)
    assert (config.subgraph_port_base, config.gateway_port) == (4001, 4000)
    assert (config.database_url, config.redis_url) == (None, None)
    assert config.env_name == "development"
    assert config.admin_email == "admin@minishop.local"
    assert config.throwaway_data is False
    assert config.gateway_url == "http://127.0.0.1:4000/graphql"
    # The default base gives every service the port it is known by.
    assert [config.service_port(spec) for spec in SERVICES] == [spec.port for spec in SERVICES]


def test_environment_overrides_everything(tmp_path: Path) -> None:
    config = StackConfig.from_env(
        {
            "MINISHOP_HOME": str(tmp_path),
            "DATABASE_URL": "postgresql://u:p@db:5432/postgres",
            "REDIS_URL": "redis://cache:6379/2",
            "MINISHOP_SUBGRAPH_PORT_BASE": "9100",
            "MINISHOP_GATEWAY_PORT": "9000",
            "MINISHOP_ENV": "test",
            "MINISHOP_ADMIN_EMAIL": "root@example.com",
            "MINISHOP_ADMIN_PASSWORD": "s3cret s3cret",
            "MINISHOP_THROWAWAY_DATA": "1",
            "MINISHOP_READY_TIMEOUT": "30",
        }
    )

    assert config.home == tmp_path
    assert config.database_url == "postgresql://u:p@db:5432/postgres"
    assert config.redis_url == "redis://cache:6379/2"
    assert config.service_port(SERVICES[1]) == 9101
    assert config.env_name == "test"
    assert (config.admin_email, config.admin_password) == ("root@example.com", "s3cret s3cret")
    assert config.throwaway_data is True
    assert config.ready_timeout == 30.0
    # Given servers are not ours to bind.
    # Stand-ins and web apps keep their registry offsets (+9, +24/+25, +29/+30).
    assert config.ports == (*range(9100, 9100 + len(SERVICES)), 9109, 9125, 9124, 9129, 9130, 9000)


def test_command_line_flag_wins_over_the_environment() -> None:
    config = StackConfig.from_env({"MINISHOP_THROWAWAY_DATA": "0"}, throwaway_data=True)

    assert config.throwaway_data is True


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MINISHOP_POSTGRES_PORT", "fivefour", "is not a port number"),
        ("MINISHOP_GATEWAY_PORT", "70000", "is outside 1-65535"),
        ("MINISHOP_THROWAWAY_DATA", "maybe", "use 1 or 0"),
        ("MINISHOP_READY_TIMEOUT", "soon", "is not seconds"),
    ],
)
def test_unusable_values_are_refused_by_name(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=f"{name}=.*{message}"):
        StackConfig.from_env({name: value})


def test_subgraph_runs_under_uvicorn_with_its_own_database_url() -> None:
    config = StackConfig.from_env({"MINISHOP_SUBGRAPH_PORT_BASE": "9100"})
    catalog = SERVICES[1]
    backends = Backends("postgresql://u:p%25w@db:5432/postgres", "redis://r:1/0", KEY)

    child = subgraph_child(config, catalog, backends, {"PATH": "/bin", "CATALOG_X": "kept"})

    assert child.argv == (
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        f"subgraphs.{catalog.name}.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        "9101",
        "--no-access-log",
        "--no-proxy-headers",
        "--timeout-graceful-shutdown",
        "3",
    )
    assert child.cwd == REPO_ROOT
    assert child.ready_url == "http://127.0.0.1:9101/health/ready"
    assert child.env["PATH"] == "/bin"
    assert child.env["CATALOG_X"] == "kept"
    assert child.env[f"{catalog.env_prefix}DATABASE_URL"] == (
        f"postgresql+asyncpg://u:p%25w@db:5432/{catalog.database_name}"
    )
    assert child.env["MINISHOP_REDIS_URL"] == "redis://r:1/0"


def test_a_service_without_postgres_gets_no_database_url() -> None:
    cache_only = ServiceSpec("cart", 4003, uses_postgres=False)
    config = dataclasses.replace(StackConfig.from_env({}), services=(*SERVICES, cache_only))

    child = subgraph_child(config, cache_only, Backends("postgresql://db/postgres", "r", KEY), {})

    assert not [name for name in child.env if name.endswith("DATABASE_URL")]


def test_gateway_serves_the_supergraph_from_router_with_every_subgraph_url() -> None:
    config = StackConfig.from_env({"MINISHOP_GATEWAY_PORT": "9000"})

    given = {
        "PATH": "/bin",
        "APOLLO_KEY": "service:x",
        "APOLLO_GRAPH_REF": "g@v",
        "CONFIG_PATH": "x",
    }

    child = gateway_child(config, Backends(None, "redis://r:1/0", KEY), given)

    assert child.argv == (
        str(REPO_ROOT / "router/node_modules/.bin/hive-gateway"),
        "supergraph",
        str(REPO_ROOT / "schema/supergraph.graphql"),
        "--host",
        "127.0.0.1",
        "--port",
        "9000",
    )
    assert child.cwd == REPO_ROOT / "router"
    assert child.ready_url == "http://127.0.0.1:9000/readiness"
    assert child.env["PATH"] == "/bin"
    # These would make Hive ignore our supergraph file or config.
    assert not {"APOLLO_KEY", "APOLLO_GRAPH_REF", "CONFIG_PATH"} & set(child.env)
    for spec in SERVICES:
        assert child.env[f"MINISHOP_SUBGRAPH_{spec.name.upper()}_URL"] == (
            f"http://127.0.0.1:{spec.port}/graphql"
        )


def test_redact_hides_only_the_password() -> None:
    assert (
        redact("postgresql://u:hunter2@db:5432/postgres") == "postgresql://u:***@db:5432/postgres"
    )
    assert redact("redis://cache:6379/0") == "redis://cache:6379/0"


def test_home_lock_refuses_a_second_holder(tmp_path: Path) -> None:
    first = home_lock(tmp_path)
    first.__enter__()
    try:
        with pytest.raises(StackError, match=f"already using {tmp_path}"):
            home_lock(tmp_path).__enter__()
    finally:
        first.__exit__(None, None, None)
    with home_lock(tmp_path):
        pass  # released with the first holder
