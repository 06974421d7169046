"""Apollo Router configs: valid for router v2.13.1, free one free, licensed one complete.

No router binary runs here, so the configs are checked the way the router reads
them: `${env.NAME}` / `${env.NAME:-default}` expanded and the results coerced
back to booleans and numbers, then validated against the router's own JSON
schema (kept beside the repository, not in it: without it those tests skip).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from shared.services import SERVICES

REPO_ROOT = Path(__file__).resolve().parents[2]
ROUTER_DIR = REPO_ROOT / "router"
FREE_CONFIG = ROUTER_DIR / "router.yaml"
LICENSED_CONFIG = ROUTER_DIR / "router.licensed.yaml"
CONFIGS = [FREE_CONFIG, LICENSED_CONFIG]
# The `shared` folder beside the repository (not the project's `shared` package).
ROUTER_SCHEMA = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "apollo-router"
    / "router-config-schema-v2.13.1.json"
)

# What a staging deployment would set.
REALISTIC_ENV = {
    "MINISHOP_INTROSPECTION": "false",
    "MINISHOP_STOREFRONT_ORIGIN": "https://shop.staging.minishop.example",
    "MINISHOP_ADMIN_ORIGIN": "https://admin.staging.minishop.example",
    "MINISHOP_PERSISTED_QUERIES_MANIFEST": "/schema/persisted-query-manifest.json",
    **{
        f"MINISHOP_SUBGRAPH_{spec.name.upper()}_URL": (
            f"http://{spec.name}.minishop.svc.cluster.local:{spec.port}/graphql"
        )
        for spec in SERVICES
    },
}

# LICENSED-KEYS.md (router 2.13.1, license_enforcement.rs): a path and, where
# the key only counts with a value, that value. None means "present at all".
LICENSED_KEYS: list[tuple[tuple[str, ...], Any]] = [
    (("authentication", "router"), None),
    (("authorization", "directives"), None),
    (("persisted_queries",), None),
    (("limits", "max_depth"), None),
    (("limits", "max_height"), None),
    (("limits", "max_root_fields"), None),
    (("limits", "max_aliases"), None),
    (("demand_control",), None),
    (("coprocessor",), None),
    (("batching",), None),
    (("subscription", "enabled"), True),
    (("preview_entity_cache", "enabled"), True),
    (("response_cache", "enabled"), True),
    (("apq", "router", "cache", "redis"), None),
    (("supergraph", "query_planning", "cache", "redis"), None),
]
LICENSED_SPECS = ("specs.apollo.dev/authenticated", "specs.apollo.dev/requiresScopes")

# ${env.NAME} or ${env.NAME:-default}, as shellexpand reads them for the router.
_PLACEHOLDER = re.compile(
    r"\$\{(?P<mode>[a-z]+)\.(?P<name>[A-Za-z0-9_]+)(?::-(?P<default>[^}]*))?\}"
)
_NUMBER = re.compile(r"[-+]?(\d+|\d*\.\d+([eE][-+]?\d+)?)")


class ExpansionError(Exception):
    pass


def coerce(text: str) -> Any:
    """What the router makes of an expanded string: YAML 1.2 bool, number, null or text."""
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if _NUMBER.fullmatch(text):
        return float(text) if "." in text or "e" in text.lower() else int(text)
    return text


def expand(value: Any, env: Mapping[str, str]) -> Any:
    """Expand every placeholder in a loaded config, as Apollo Router does at start-up."""
    if isinstance(value, dict):
        return {key: expand(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [expand(item, env) for item in value]
    if not isinstance(value, str) or "${" not in value:
        return value

    def replace(match: re.Match[str]) -> str:
        if match["mode"] != "env":
            raise ExpansionError(f"unsupported expansion {match[0]}")
        if match["name"] in env:
            return env[match["name"]]
        if match["default"] is not None:
            return match["default"]
        raise ExpansionError(f"{match['name']} is not set and {match[0]} has no default")

    return coerce(_PLACEHOLDER.sub(replace, value))


def load(path: Path, env: Mapping[str, str]) -> dict[str, Any]:
    config = expand(yaml.safe_load(path.read_text()), env)
    assert isinstance(config, dict)
    return config


def lookup(config: Mapping[str, Any], path: tuple[str, ...]) -> tuple[bool, Any]:
    node: Any = config
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return False, None
        node = node[key]
    return True, node


def leaves(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every scalar or list in a config with its path (lists are compared whole)."""
    if isinstance(value, Mapping) and value:
        for key, item in value.items():
            yield from leaves(item, (*path, str(key)))
    else:
        yield path, value


@pytest.fixture(scope="module")
def router_schema() -> Draft7Validator:
    if not ROUTER_SCHEMA.is_file():
        pytest.skip(f"Apollo Router's config schema is not beside the repository: {ROUTER_SCHEMA}")
    schema = json.loads(ROUTER_SCHEMA.read_text())
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def schema_errors(validator: Draft7Validator, config: dict[str, Any]) -> list[str]:
    return [
        f"{'.'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
    ]


# --- the expansion helper itself ------------------------------------------------------


def test_expansion_prefers_env_then_default_and_coerces_like_the_router() -> None:
    env = {"PORT": "4000", "ON": "true", "HOST": "gw.internal"}

    assert expand("${env.PORT}", env) == 4000
    assert expand("${env.ON:-false}", env) is True
    assert expand("${env.OFF:-false}", env) is False
    assert (
        expand("http://${env.HOST}:${env.PORT}/graphql", env) == "http://gw.internal:4000/graphql"
    )
    assert expand("${env.MISSING:-http://a:1/g}", env) == "http://a:1/g"
    with pytest.raises(ExpansionError, match="MISSING is not set"):
        expand("${env.MISSING}", env)
    with pytest.raises(ExpansionError, match="unsupported"):
        expand("${vault.SECRET}", env)


def test_the_validator_rejects_what_the_router_would(router_schema: Draft7Validator) -> None:
    assert schema_errors(router_schema, {"limits": {"max_tokens": 10}})
    assert schema_errors(router_schema, {"supergraph": {"introspection": "false"}})
    assert schema_errors(router_schema, {"include_subgraph_errors": False})
    assert not schema_errors(router_schema, {"supergraph": {"introspection": False}})


# --- both configs --------------------------------------------------------------------


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
@pytest.mark.parametrize("env", [REALISTIC_ENV, {}], ids=["staging-env", "no-env"])
def test_config_is_valid_for_router_2_13_1(
    router_schema: Draft7Validator, path: Path, env: Mapping[str, str]
) -> None:
    config = load(path, env)

    assert schema_errors(router_schema, config) == []


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_env_values_land_where_they_should(path: Path) -> None:
    config = load(path, REALISTIC_ENV)

    assert config["supergraph"]["introspection"] is False
    assert config["cors"]["policies"][0]["origins"] == [
        REALISTIC_ENV["MINISHOP_STOREFRONT_ORIGIN"],
        REALISTIC_ENV["MINISHOP_ADMIN_ORIGIN"],
    ]
    for spec in SERVICES:
        env_name = f"MINISHOP_SUBGRAPH_{spec.name.upper()}_URL"
        assert config["override_subgraph_url"][spec.name] == REALISTIC_ENV[env_name]


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_every_subgraph_has_a_url_override_and_no_other(path: Path) -> None:
    raw = yaml.safe_load(path.read_text())

    overrides = raw["override_subgraph_url"]
    assert set(overrides) == {spec.name for spec in SERVICES}
    for name, value in overrides.items():
        assert value.startswith(f"${{env.MINISHOP_SUBGRAPH_{name.upper()}_URL:-http://")


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_listens_everywhere_in_the_container_with_probes_and_metrics(path: Path) -> None:
    config = load(path, {})

    assert config["supergraph"]["listen"] == "0.0.0.0:4000"
    assert config["supergraph"]["path"] == "/graphql"
    assert config["health_check"] == {"enabled": True, "listen": "0.0.0.0:8088", "path": "/health"}
    prometheus = config["telemetry"]["exporters"]["metrics"]["prometheus"]
    assert prometheus == {"enabled": True, "listen": "0.0.0.0:9090", "path": "/metrics"}


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_forwards_credentials_and_request_id_but_never_the_service_token(path: Path) -> None:
    operations = load(path, {})["headers"]["all"]["request"]

    propagated = [op["propagate"]["named"] for op in operations if "propagate" in op]
    assert propagated == ["authorization", "x-request-id"]
    # Last, so nothing propagated before it can carry the header through.
    assert operations[-1] == {"remove": {"named": "x-minishop-service-token"}}


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_cors_csrf_and_error_policy(path: Path) -> None:
    config = load(path, {})

    assert config["cors"]["allow_credentials"] is True
    assert config["cors"]["policies"][0]["origins"] == [
        "http://localhost:3000",
        "http://127.0.0.1:3000",
    ]
    assert "allow_any_origin" not in config["cors"]
    assert "apollo-require-preflight" in config["csrf"]["required_headers"]
    assert config["csrf"].get("unsafe_disabled", False) is False
    # Clients get the subgraphs' (already masked) message and code, nothing else.
    assert config["include_subgraph_errors"] == {
        "all": {"redact_message": False, "allow_extensions_keys": ["code"]}
    }


# --- same limits as the Hive Gateway config --------------------------------------------


def _gateway_constant(name: str) -> int:
    source = (ROUTER_DIR / "gateway.config.ts").read_text()
    match = re.search(rf"^const {name} = ([\d_ *]+);", source, re.MULTILINE)
    assert match, f"{name} not found in gateway.config.ts"
    factors = [int(part.replace("_", "")) for part in match.group(1).split("*")]
    product = 1
    for factor in factors:
        product *= factor
    return product


def test_free_limits_match_the_hive_gateway() -> None:
    limits = load(FREE_CONFIG, {})["limits"]

    assert limits["parser_max_tokens"] == _gateway_constant("MAX_TOKENS")
    assert limits["http_max_request_bytes"] == _gateway_constant("MAX_REQUEST_BYTES")


def test_licensed_operation_limits_match_the_hive_gateway() -> None:
    limits = load(LICENSED_CONFIG, {})["limits"]

    assert limits["max_depth"] == _gateway_constant("MAX_DEPTH")
    assert limits["max_aliases"] == _gateway_constant("MAX_ALIASES")
    assert limits["max_root_fields"] > 0


def test_licensed_cost_limit_matches_the_hive_gateway() -> None:
    demand = load(LICENSED_CONFIG, {})["demand_control"]

    assert (demand["enabled"], demand["mode"]) == (True, "enforce")
    assert demand["strategy"]["static_estimated"]["max"] == _gateway_constant("DEFAULT_MAX_COST")


# --- free versus licensed ----------------------------------------------------------------


def _licensed_keys_used(config: Mapping[str, Any]) -> list[str]:
    used = []
    for path, restricted_value in LICENSED_KEYS:
        present, value = lookup(config, path)
        if present and value is not None and restricted_value in (None, value):
            used.append(".".join(path))
    return used


def test_free_config_uses_no_licensed_key() -> None:
    for env in (REALISTIC_ENV, {}):
        assert _licensed_keys_used(load(FREE_CONFIG, env)) == []


def test_licensed_key_check_spots_each_kind_of_key() -> None:
    config = {
        "limits": {"max_depth": 5, "parser_max_tokens": 10},
        "subscription": {"enabled": True},
        "preview_entity_cache": {"enabled": False},
        "apq": {"router": {"cache": {"redis": {"urls": ["redis://r"]}}}},
    }

    assert _licensed_keys_used(config) == [
        "limits.max_depth",
        "subscription.enabled",
        "apq.router.cache.redis",
    ]


def test_licensed_config_keeps_every_setting_of_the_free_one() -> None:
    free = load(FREE_CONFIG, REALISTIC_ENV)
    licensed = load(LICENSED_CONFIG, REALISTIC_ENV)

    missing_or_changed = [
        ".".join(path) for path, value in leaves(free) if lookup(licensed, path) != (True, value)
    ]
    assert missing_or_changed == []


def test_licensed_config_adds_the_safelist_operation_limits_and_cost_limit() -> None:
    licensed = load(LICENSED_CONFIG, REALISTIC_ENV)

    assert _licensed_keys_used(licensed) == [
        "persisted_queries",
        "limits.max_depth",
        "limits.max_root_fields",
        "limits.max_aliases",
        "demand_control",
    ]
    queries = licensed["persisted_queries"]
    assert queries["enabled"] is True
    assert queries["safelist"] == {"enabled": True, "require_id": False}
    assert queries["local_manifests"] == [REALISTIC_ENV["MINISHOP_PERSISTED_QUERIES_MANIFEST"]]
    # The router refuses APQ together with a safelist.
    assert licensed["apq"] == {"enabled": False}


def test_checked_in_supergraph_links_no_licensed_spec() -> None:
    supergraph = REPO_ROOT / "schema" / "supergraph.graphql"
    if not supergraph.is_file():
        pytest.skip("schema/supergraph.graphql not generated yet (run `minishop schema`)")

    text = supergraph.read_text()

    assert [spec for spec in LICENSED_SPECS if spec in text] == []
