"""What the deploy artifacts must say, derived from the code: the registry and the filesystem.

`shared.services` names every subgraph and local component; a service runs
`minishop migrate <name>` before it starts exactly when its code has
migrations (`subgraphs/<name>/migrations/env.py`). The checkers below compare
a compose document or a rendered Kubernetes overlay with that and list every
difference, so a test can also show that they notice one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.services import COMPONENTS, MAILBOX, PAYMENT_PROCESSOR, SERVICES, ServiceSpec

REPO_ROOT = Path(__file__).resolve().parents[2]
Doc = dict[str, Any]
# Every subgraph container serves on this port, whatever its local-stack port.
SUBGRAPH_PORT = 8000
_MIGRATE = re.compile(r"\bminishop migrate (?P<name>[a-z_]+)\b")


@dataclass(frozen=True)
class Expected:
    """The services the code defines, and those of them that have migrations."""

    services: tuple[ServiceSpec, ...]
    migrating: frozenset[str]

    @classmethod
    def from_code(cls, root: Path = REPO_ROOT) -> Expected:
        migrating = {
            spec.name
            for spec in SERVICES
            if (root / "subgraphs" / spec.name / "migrations" / "env.py").is_file()
        }
        return cls(SERVICES, frozenset(migrating))

    @property
    def names(self) -> set[str]:
        return {spec.name for spec in self.services}


def _differences(what: str, found: Iterable[str], expected: Iterable[str]) -> list[str]:
    found, expected = set(found), set(expected)
    return [f"{what} names {name}, which the code does not have" for name in found - expected] + [
        f"{what} misses {name}, which the code has" for name in expected - found
    ]


# --- compose ---------------------------------------------------------------------


def _compose_env(service: Doc) -> dict[str, str]:
    env = service.get("environment", {})
    return {key: "" if value is None else str(value) for key, value in env.items()}


def compose_problems(document: Doc, expected: Expected) -> list[str]:
    """How `document` (compose.yaml, parsed) differs from what the code says."""
    services: dict[str, Doc] = document["services"]
    subgraphs = {
        name: spec
        for name, spec in services.items()
        if "MINISHOP_SERVICE" in spec.get("environment", {})
    }
    problems = _differences("compose", subgraphs, expected.names)
    for spec in expected.services:
        if spec.name not in subgraphs:
            continue
        env = _compose_env(subgraphs[spec.name])
        where = f"compose {spec.name}"
        if env["MINISHOP_SERVICE"] != spec.name:
            problems.append(f"{where} runs MINISHOP_SERVICE={env['MINISHOP_SERVICE']}")
        urls = sorted(key for key in env if key.endswith("_DATABASE_URL"))
        own = [f"{spec.env_prefix}DATABASE_URL"] if spec.uses_postgres else []
        if urls != own:
            problems.append(f"{where} has database URLs {urls}, expected {own}")
        elif own and not env[own[0]].endswith(f"@postgres:5432/{spec.database_name}"):
            problems.append(f"{where} connects to {env[own[0]]}")
        for peer in expected.services:
            url = env.get(f"MINISHOP_SERVICE_{peer.name.upper()}_URL")
            if url != f"http://{peer.name}:{SUBGRAPH_PORT}":
                problems.append(f"{where} reaches {peer.name} at {url}")
        check = " ".join(subgraphs[spec.name].get("healthcheck", {}).get("test", []))
        if f"127.0.0.1:{SUBGRAPH_PORT}/health/ready" not in check:
            problems.append(f"{where} has no readiness healthcheck")
    migrate = services.get("migrate", {})
    command = " ".join(str(part) for part in migrate.get("command", []))
    migrated = [match["name"] for match in _MIGRATE.finditer(command)]
    problems += _differences("compose migrate", migrated, expected.migrating)
    migrate_env = _compose_env(migrate)
    for name in expected.migrating:
        if f"{name.upper()}_DATABASE_URL" not in migrate_env:
            problems.append(f"compose migrate has no {name.upper()}_DATABASE_URL")
    router = services.get("router", {})
    waits = set(router.get("depends_on", {}))
    problems += _differences("compose router depends_on", waits, expected.names)
    router_env = _compose_env(router)
    for spec in expected.services:
        url = router_env.get(f"MINISHOP_SUBGRAPH_{spec.name.upper()}_URL")
        if url != f"http://{spec.name}:{SUBGRAPH_PORT}/graphql":
            problems.append(f"compose router reaches {spec.name} at {url}")
    for component in COMPONENTS:
        command = " ".join(
            str(part) for part in services.get(component.name, {}).get("command", [])
        )
        entry = component.app_factory or f"-m {component.module}"
        for part in (entry, *(str(port) for port in component.ports)):
            if part not in command:
                problems.append(f"compose {component.name} does not run {part}")
    return problems


# --- Kubernetes ------------------------------------------------------------------


def _env(container: Doc) -> dict[str, Doc]:
    return {item["name"]: item for item in container.get("env", [])}


def _secret_key(item: Doc | None) -> str | None:
    if item is None:
        return None
    ref = item.get("valueFrom", {}).get("secretKeyRef")
    return None if ref is None else str(ref["name"])


def _probe_path(container: Doc, probe: str) -> str | None:
    get = container.get(probe, {}).get("httpGet")
    return None if get is None else str(get["path"])


def k8s_problems(docs: list[Doc], expected: Expected, *, components: bool) -> list[str]:
    """How a rendered overlay differs from the code; `components`: it must run the
    local stand-ins (dev), or must not (staging, prod)."""
    deployments = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}
    subgraphs = {
        name: d
        for name, d in deployments.items()
        if d["spec"]["template"]["metadata"]["labels"].get("app.kubernetes.io/component")
        == "subgraph"
    }
    problems = _differences("k8s", subgraphs, expected.names)
    for spec in expected.services:
        if spec.name not in subgraphs:
            continue
        pod = subgraphs[spec.name]["spec"]["template"]["spec"]
        app = pod["containers"][0]
        env = _env(app)
        where = f"k8s {spec.name}"
        if env.get("MINISHOP_SERVICE", {}).get("value") != spec.name:
            problems.append(f"{where} does not run MINISHOP_SERVICE={spec.name}")
        urls = sorted(key for key in env if key.endswith("_DATABASE_URL"))
        own = [f"{spec.env_prefix}DATABASE_URL"] if spec.uses_postgres else []
        if urls != own:
            problems.append(f"{where} has database URLs {urls}, expected {own}")
        elif own and not (_secret_key(env[own[0]]) or "").startswith(f"minishop-{spec.name}-"):
            problems.append(f"{where} reads its database URL from another service's Secret")
        if _probe_path(app, "readinessProbe") != "/health/ready":
            problems.append(f"{where} has no readiness probe on /health/ready")
        if _probe_path(app, "livenessProbe") != "/health/live":
            problems.append(f"{where} has no liveness probe on /health/live")
        commands = [c.get("command") for c in pod.get("initContainers", [])]
        migrates = ["minishop", "migrate", spec.name] in commands
        if migrates and spec.name not in expected.migrating:
            problems.append(f"{where} migrates, but the code has no migrations for it")
        if not migrates and spec.name in expected.migrating:
            problems.append(f"{where} does not migrate, but the code has migrations for it")
    config = [d for d in docs if d["kind"] == "ConfigMap" and "MINISHOP_JWKS_URL" in d["data"]]
    data = config[0]["data"] if len(config) == 1 else {}
    for spec in expected.services:
        url = data.get(f"MINISHOP_SERVICE_{spec.name.upper()}_URL")
        if url != f"http://{spec.name}:{SUBGRAPH_PORT}":
            problems.append(f"k8s shared config reaches {spec.name} at {url}")
    router = deployments.get("router")
    router_env = _env(router["spec"]["template"]["spec"]["containers"][0]) if router else {}
    for spec in expected.services:
        url = router_env.get(f"MINISHOP_SUBGRAPH_{spec.name.upper()}_URL", {}).get("value")
        if url != f"http://{spec.name}:{SUBGRAPH_PORT}/graphql":
            problems.append(f"k8s router reaches {spec.name} at {url}")
    for component in COMPONENTS:
        present = component.name in deployments
        if present != components:
            problems.append(f"k8s {component.name}: {'present' if present else 'missing'}")
    return problems


def stand_in_env() -> dict[str, str]:
    """Where payments and notifications reach the development stand-ins, in a cluster
    or compose network (each a Service named after the component)."""
    assert MAILBOX.smtp_port is not None
    return {
        "PAYMENTS_PROCESSOR_URL": f"http://{PAYMENT_PROCESSOR.name}:{PAYMENT_PROCESSOR.http_port}",
        "MINISHOP_SMTP_URL": f"smtp://{MAILBOX.name}:{MAILBOX.smtp_port}",
    }
