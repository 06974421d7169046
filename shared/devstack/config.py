"""What `minishop up` runs and where: read once from the environment.

Every variable has a development default, so a bare `minishop up` works on a
fresh clone; tests and CI override ports, the home folder and the servers.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from shared.services import (
    COMPONENTS,
    GATEWAY_PORT,
    SERVICES,
    WEB_APPS,
    ComponentSpec,
    ServiceSpec,
    WebAppSpec,
)
from shared.settings import DEV_ADMIN_EMAIL, DEV_ADMIN_PASSWORD

REPO_ROOT = Path(__file__).resolve().parents[2]

DEFAULT_POSTGRES_PORT = 5433
DEFAULT_REDIS_PORT = 6380
DEFAULT_SUBGRAPH_PORT_BASE = 4001
DEFAULT_READY_TIMEOUT = 120.0
# Subgraphs and components take ports at fixed offsets from the base: this many.
LOCAL_PORT_SPAN = 1 + max(
    port - DEFAULT_SUBGRAPH_PORT_BASE
    for port in [
        *(s.port for s in SERVICES),
        *(p for c in COMPONENTS for p in c.ports),
        *(w.http_port for w in WEB_APPS),
    ]
)
LOCALHOST = "127.0.0.1"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


class ConfigError(ValueError):
    """An environment variable has a value the stack cannot use."""


def _port(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        port = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a port number") from None
    if not 0 < port < 65536:
        raise ConfigError(f"{name}={port} is outside 1-65535")
    return port


def _flag(environ: Mapping[str, str], name: str) -> bool:
    raw = environ.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r}: use 1 or 0")


@dataclass(frozen=True, slots=True)
class StackConfig:
    """Everything `minishop up` needs to know; `from_env` builds it."""

    repo_root: Path
    home: Path
    # Existing servers to use instead of the embedded ones (None: embedded).
    database_url: str | None = None
    redis_url: str | None = None
    postgres_port: int = DEFAULT_POSTGRES_PORT
    redis_port: int = DEFAULT_REDIS_PORT
    subgraph_port_base: int = DEFAULT_SUBGRAPH_PORT_BASE
    gateway_port: int = GATEWAY_PORT
    env_name: str = "development"
    admin_email: str = DEV_ADMIN_EMAIL
    admin_password: str = DEV_ADMIN_PASSWORD
    # Throwaway data (tests): Postgres without fsync, Redis without persistence.
    throwaway_data: bool = False
    # Seconds each group of children (subgraphs, then the gateway) has to get ready.
    ready_timeout: float = DEFAULT_READY_TIMEOUT
    services: tuple[ServiceSpec, ...] = SERVICES
    components: tuple[ComponentSpec, ...] = COMPONENTS
    web_apps: tuple[WebAppSpec, ...] = WEB_APPS

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        repo_root: Path = REPO_ROOT,
        throwaway_data: bool | None = None,
    ) -> StackConfig:
        env = os.environ if environ is None else environ
        home = env.get("MINISHOP_HOME", "").strip()
        ready_timeout = env.get("MINISHOP_READY_TIMEOUT", "").strip()
        try:
            timeout = float(ready_timeout) if ready_timeout else DEFAULT_READY_TIMEOUT
        except ValueError:
            raise ConfigError(f"MINISHOP_READY_TIMEOUT={ready_timeout!r} is not seconds") from None
        return cls(
            repo_root=repo_root,
            home=Path(home).expanduser().resolve() if home else repo_root / ".minishop",
            database_url=env.get("DATABASE_URL", "").strip() or None,
            redis_url=env.get("REDIS_URL", "").strip() or None,
            postgres_port=_port(env, "MINISHOP_POSTGRES_PORT", DEFAULT_POSTGRES_PORT),
            redis_port=_port(env, "MINISHOP_REDIS_PORT", DEFAULT_REDIS_PORT),
            subgraph_port_base=_port(
                env, "MINISHOP_SUBGRAPH_PORT_BASE", DEFAULT_SUBGRAPH_PORT_BASE
            ),
            gateway_port=_port(env, "MINISHOP_GATEWAY_PORT", GATEWAY_PORT),
            env_name=env.get("MINISHOP_ENV", "").strip() or "development",
            admin_email=env.get("MINISHOP_ADMIN_EMAIL", "").strip() or DEV_ADMIN_EMAIL,
            admin_password=env.get("MINISHOP_ADMIN_PASSWORD", "") or DEV_ADMIN_PASSWORD,
            throwaway_data=(
                _flag(env, "MINISHOP_THROWAWAY_DATA") if throwaway_data is None else throwaway_data
            ),
            ready_timeout=timeout,
        )

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def pgdata(self) -> Path:
        return self.home / "pgdata"

    @property
    def redis_dir(self) -> Path:
        return self.home / "redis"

    @property
    def signing_key_path(self) -> Path:
        return self.home / "keys" / "jwt-signing.pem"

    @property
    def supergraph_path(self) -> Path:
        return self.repo_root / "schema" / "supergraph.graphql"

    @property
    def gateway_url(self) -> str:
        return f"http://{LOCALHOST}:{self.gateway_port}/graphql"

    def service_port(self, spec: ServiceSpec) -> int:
        """Base port + the service's index: with the default base, `spec.port`."""
        return self.subgraph_port_base + self.services.index(spec)

    def service_url(self, spec: ServiceSpec) -> str:
        return f"http://{LOCALHOST}:{self.service_port(spec)}"

    def local_port(self, default: int) -> int:
        """A component's port: its registry port moved with the subgraph port base."""
        return self.subgraph_port_base + default - DEFAULT_SUBGRAPH_PORT_BASE

    def component_url(self, spec: ComponentSpec | WebAppSpec) -> str:
        return f"http://{LOCALHOST}:{self.local_port(spec.http_port)}"

    @property
    def mail_dir(self) -> Path:
        """Where the local mailbox keeps every e-mail as a `.eml` file."""
        return self.home / "mail"

    @property
    def ports(self) -> tuple[int, ...]:
        """Every port the stack binds (the embedded servers' only when used)."""
        ports = [self.service_port(spec) for spec in self.services]
        ports += [self.local_port(port) for spec in self.components for port in spec.ports]
        ports += [self.local_port(app.http_port) for app in self.web_apps]
        ports.append(self.gateway_port)
        if self.database_url is None:
            ports.append(self.postgres_port)
        if self.redis_url is None:
            ports.append(self.redis_port)
        return tuple(ports)
