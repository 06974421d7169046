"""The command lines and environments of the stack's children: subgraphs and gateway.

Pure functions of the configuration, so what each process is given can be
checked without starting anything.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from shared.devstack.config import LOCALHOST, StackConfig
from shared.devstack.postgres import database_url
from shared.devstack.supervisor import ChildSpec
from shared.services import MAILBOX, PAYMENT_PROCESSOR, ComponentSpec, ServiceSpec, WebAppSpec

GATEWAY_NAME = "gateway"
# Uvicorn's own limit for open connections at shutdown; below the supervisor's
# grace period so a keep-alive connection never costs a SIGKILL.
UVICORN_GRACEFUL_SECONDS = 3
# Hive Gateway reads these itself: with APOLLO_* it wants a GraphOS graph instead
# of our file, with CONFIG_PATH another config than router/gateway.config.ts.
GATEWAY_UNSAFE_ENV = ("APOLLO_KEY", "APOLLO_GRAPH_REF", "CONFIG_PATH")


@dataclass(frozen=True, slots=True)
class Backends:
    """The servers the children talk to, once they run."""

    # A Postgres server URL with its maintenance database; None if unused.
    postgres_url: str | None
    redis_url: str
    signing_key_path: Path


def shared_env(config: StackConfig, redis_url: str) -> dict[str, str]:
    """Variables every child gets on top of our own environment."""
    accounts = next((spec for spec in config.services if spec.name == "accounts"), None)
    jwks_port = config.service_port(accounts) if accounts else config.subgraph_port_base
    return {
        "MINISHOP_ENV": config.env_name,
        "MINISHOP_REDIS_URL": redis_url,
        "MINISHOP_JWKS_URL": f"http://{LOCALHOST}:{jwks_port}/.well-known/jwks.json",
        "MINISHOP_ADMIN_EMAIL": config.admin_email,
        "MINISHOP_ADMIN_PASSWORD": config.admin_password,
    }


def subgraph_env(
    config: StackConfig, spec: ServiceSpec, backends: Backends, base: Mapping[str, str]
) -> dict[str, str]:
    env = {**base, **shared_env(config, backends.redis_url), "PYTHONUNBUFFERED": "1"}
    for other in config.services:
        # Direct service-to-service calls (never through the gateway).
        env[f"MINISHOP_SERVICE_{other.name.upper()}_URL"] = config.service_url(other)
    env.update(component_env(config))
    if spec.uses_postgres and backends.postgres_url is not None:
        env[f"{spec.env_prefix}DATABASE_URL"] = database_url(
            backends.postgres_url, spec.database_name
        )
    if spec.name == "accounts":
        # Only the issuer holds the private key; the others verify through the JWKS.
        env["ACCOUNTS_JWT_PRIVATE_KEY_FILE"] = str(backends.signing_key_path)
    return env


def subgraph_child(
    config: StackConfig, spec: ServiceSpec, backends: Backends, base: Mapping[str, str]
) -> ChildSpec:
    port = config.service_port(spec)
    return ChildSpec(
        name=spec.name,
        argv=(
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            spec.app_factory,
            "--host",
            LOCALHOST,
            "--port",
            str(port),
            "--no-access-log",
            # Uvicorn would otherwise take X-Forwarded-For from a loopback peer as the
            # client: the subgraphs believe only the gateway's signed address.
            "--no-proxy-headers",
            "--timeout-graceful-shutdown",
            str(UVICORN_GRACEFUL_SECONDS),
        ),
        env=subgraph_env(config, spec, backends, base),
        cwd=config.repo_root,
        ready_url=f"http://{LOCALHOST}:{port}/health/ready",
    )


def component_env(config: StackConfig) -> dict[str, str]:
    """Where the subgraphs reach the local stand-ins of third parties."""
    env: dict[str, str] = {}
    if PAYMENT_PROCESSOR in config.components:
        env["PAYMENTS_PROCESSOR_URL"] = config.component_url(PAYMENT_PROCESSOR)
    if MAILBOX in config.components and MAILBOX.smtp_port is not None:
        env["MINISHOP_SMTP_URL"] = f"smtp://{LOCALHOST}:{config.local_port(MAILBOX.smtp_port)}"
    return env


def component_child(config: StackConfig, spec: ComponentSpec, base: Mapping[str, str]) -> ChildSpec:
    port = config.local_port(spec.http_port)
    if spec.app_factory is not None:
        argv: tuple[str, ...] = (
            *("-m", "uvicorn", "--factory", spec.app_factory),
            *("--host", LOCALHOST, "--port", str(port), "--no-access-log"),
        )
    else:
        assert spec.module is not None
        argv = ("-m", spec.module, "--host", LOCALHOST, "--http-port", str(port))
        if spec.smtp_port is not None:
            smtp_port = str(config.local_port(spec.smtp_port))
            argv += ("--smtp-port", smtp_port, "--dir", str(config.mail_dir))
    return ChildSpec(
        name=spec.name,
        argv=(sys.executable, *argv),
        env={**base, "PYTHONUNBUFFERED": "1"},
        cwd=config.repo_root,
        ready_url=f"http://{LOCALHOST}:{port}/health/ready",
    )


def web_app_child(config: StackConfig, app: WebAppSpec, base: Mapping[str, str]) -> ChildSpec:
    """A built front-end app, told where the gateway is (its /config.json)."""
    port = config.local_port(app.http_port)
    return ChildSpec(
        name=app.name,
        argv=(
            *(sys.executable, "-m", "shared.devstack.webapp", "--host", LOCALHOST),
            *("--http-port", str(port), "--dir", str(config.repo_root / app.build_dir)),
            *("--gateway-url", config.gateway_url),
        ),
        env={**base, "PYTHONUNBUFFERED": "1"},
        cwd=config.repo_root,
        ready_url=f"http://{LOCALHOST}:{port}/health/ready",
    )


def cors_origins(config: StackConfig, base: Mapping[str, str]) -> str:
    """The configured origins plus the stack's own web apps (both spellings of loopback)."""
    origins = [o.strip() for o in base.get("MINISHOP_CORS_ORIGINS", "").split(",") if o.strip()]
    for app in config.web_apps:
        port = config.local_port(app.http_port)
        origins += [f"http://{LOCALHOST}:{port}", f"http://localhost:{port}"]
    return ",".join(dict.fromkeys(origins))


def gateway_env(config: StackConfig, backends: Backends, base: Mapping[str, str]) -> dict[str, str]:
    env = {
        **{name: value for name, value in base.items() if name not in GATEWAY_UNSAFE_ENV},
        **shared_env(config, backends.redis_url),
        "MINISHOP_GATEWAY_PORT": str(config.gateway_port),
        "MINISHOP_SUPERGRAPH": str(config.supergraph_path),
        "MINISHOP_CORS_ORIGINS": cors_origins(config, base),
    }
    for spec in config.services:
        env[f"MINISHOP_SUBGRAPH_{spec.name.upper()}_URL"] = f"{config.service_url(spec)}/graphql"
    return env


def gateway_binary(config: StackConfig) -> Path:
    return config.repo_root / "router" / "node_modules" / ".bin" / "hive-gateway"


def gateway_child(config: StackConfig, backends: Backends, base: Mapping[str, str]) -> ChildSpec:
    """Hive Gateway serving the checked-in supergraph (config in router/gateway.config.ts)."""
    return ChildSpec(
        name=GATEWAY_NAME,
        argv=(
            str(gateway_binary(config)),
            "supergraph",
            str(config.supergraph_path),
            "--host",
            LOCALHOST,
            "--port",
            str(config.gateway_port),
        ),
        env=gateway_env(config, backends, base),
        cwd=config.repo_root / "router",
        ready_url=f"http://{LOCALHOST}:{config.gateway_port}/readiness",
        stop_signal=signal.SIGTERM,
    )
