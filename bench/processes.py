"""Extra servers beside a benchmark's stack: another catalog, another gateway."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from shared.devstack.children import GATEWAY_UNSAFE_ENV, gateway_binary
from shared.devstack.config import StackConfig
from shared.devstack.process import free_port
from shared.services import SERVICES, service


@contextmanager
def process(argv: list[str], env: Mapping[str, str], cwd: Path | None = None) -> Iterator[None]:
    process = subprocess.Popen(argv, env={**env}, cwd=cwd)  # noqa: S603 - our own programs
    try:
        yield
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def catalog_process(config: StackConfig, database: str, extra: Mapping[str, str]) -> Iterator[str]:
    """Another catalog on the stack's database and Redis; yields its /graphql URL."""
    spec = service("catalog")
    port = free_port()
    env = {
        **os.environ,
        "OTEL_EXPORTER_OTLP_ENDPOINT": "",
        "MINISHOP_ENV": config.env_name,
        "MINISHOP_REDIS_URL": f"redis://127.0.0.1:{config.redis_port}/0",
        "MINISHOP_RATE_LIMITS": "off",
        "MINISHOP_LOG_LEVEL": "WARNING",
        # The stack's catalog relays its outbox; this one only answers reads.
        "MINISHOP_EVENTS_IN_PROCESS": "false",
        f"{spec.env_prefix}DATABASE_URL": database.replace(
            "postgresql://", "postgresql+asyncpg://", 1
        ),
        **extra,
    }
    argv = [sys.executable, "-m", "uvicorn", "--factory", spec.app_factory]
    argv += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    with process(argv, env, config.repo_root):
        yield f"http://127.0.0.1:{port}/graphql"


@contextmanager
def gateway_process(
    config: StackConfig, catalog_url: str, extra: Mapping[str, str]
) -> Iterator[str]:
    """A second gateway, its catalog at `catalog_url`, the rest the stack's."""
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name not in GATEWAY_UNSAFE_ENV}
    env.update(
        {
            "MINISHOP_ENV": config.env_name,
            "MINISHOP_REDIS_URL": f"redis://127.0.0.1:{config.redis_port}/0",
            "MINISHOP_RATE_LIMITS": "off",
            "MINISHOP_SUPERGRAPH": str(config.supergraph_path),
            "MINISHOP_GATEWAY_PORT": str(port),
            **{
                f"MINISHOP_SUBGRAPH_{spec.name.upper()}_URL": f"{config.service_url(spec)}/graphql"
                for spec in SERVICES
            },
            "MINISHOP_SUBGRAPH_CATALOG_URL": catalog_url,
            **extra,
        }
    )
    argv = [str(gateway_binary(config)), "supergraph", str(config.supergraph_path)]
    argv += ["--host", "127.0.0.1", "--port", str(port)]
    with process(argv, env, config.repo_root / "router"):
        yield f"http://127.0.0.1:{port}/graphql"
