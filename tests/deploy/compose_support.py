"""compose.yaml and the Dockerfile, read the way compose and docker read them."""

from __future__ import annotations

import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from shared.services import COMPONENTS, SERVICES

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE = REPO_ROOT / "compose.yaml"
DOCKERFILE = REPO_ROOT / "Dockerfile"

SUBGRAPHS = tuple(spec.name for spec in SERVICES)
POSTGRES_SUBGRAPHS = tuple(spec.name for spec in SERVICES if spec.uses_postgres)
STAND_INS = tuple(component.name for component in COMPONENTS)
OBSERVABILITY = "observability"
DEVELOPMENT = "development"
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")
CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}
_VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


@cache
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return document


def services() -> dict[str, dict[str, Any]]:
    return compose()["services"]


def interpolate(value: str, env: dict[str, str] | None = None) -> str:
    """What compose makes of a value with an empty environment (or `env`)."""
    env = env or {}

    def replace(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        if name in env and (env[name] or op is None or not op.startswith(":")):
            return env[name]
        return arg if op in (":-", "-") else ""

    return _VARIABLE.sub(replace, value).replace("$$", "$")


def environment(service: str) -> dict[str, str | None]:
    env = services()[service].get("environment", {})
    assert isinstance(env, dict), f"{service}: write environment as a mapping"
    return {key: None if value is None else str(value) for key, value in env.items()}


def depends_on(service: str) -> dict[str, str]:
    """Dependency name → condition (the short list form means service_started)."""
    deps = services()[service].get("depends_on", {})
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: spec.get("condition", "service_started") for name, spec in deps.items()}


def required_dependencies(service: str) -> set[str]:
    """Those a service cannot start without (`required: false` only warns)."""
    deps = services()[service].get("depends_on", {})
    if isinstance(deps, list):
        return set(deps)
    return {name for name, spec in deps.items() if spec.get("required", True)}


def published_ports(service: str) -> list[str]:
    """Container ports a service publishes on the host."""
    ports = []
    for entry in services()[service].get("ports", []):
        if isinstance(entry, dict):
            ports.append(str(entry["target"]))
        else:
            ports.append(interpolate(str(entry)).rsplit(":", 1)[-1].split("/")[0])
    return ports


@cache
def dockerfile_stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile as stages of (INSTRUCTION, arguments), ARG defaults expanded."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    args: dict[str, str] = {}
    stages: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, rest = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "ARG" and "=" in rest:
            name, _, default = rest.partition("=")
            args[name.strip()] = default.strip().strip('"')
        rest = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m[1], m[0]), rest)
        if instruction == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((instruction, rest))
    return stages


def instructions(stage: list[tuple[str, str]], name: str) -> list[str]:
    return [rest for instruction, rest in stage if instruction == name]
