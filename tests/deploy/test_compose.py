"""compose.yaml, the Dockerfile and .dockerignore, checked as files.

No container engine runs here, so nothing is started: the checks read the
files the way compose and docker would and hold them to the service contract
(env names, probes, ports, start order) the subgraphs and the router rely on.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from shared.services import COMPONENTS, MAILBOX, SERVICES
from tests.deploy.contract import Expected, compose_problems, stand_in_env

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


# --- the compose specification and the code ----------------------------------------


def test_compose_file_validates_against_the_compose_specification() -> None:
    result = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_specification_check_refuses_an_unknown_field(tmp_path: Path) -> None:
    broken = copy.deepcopy(compose())
    broken["services"]["catalog"]["restart_policy"] = "always"
    path = tmp_path / "compose.yaml"
    path.write_text(yaml.safe_dump(broken))
    result = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1 and "restart_policy" in result.stdout


def test_compose_runs_what_the_registry_and_the_code_define() -> None:
    assert compose_problems(compose(), Expected.from_code()) == []


def test_the_compose_check_notices_an_extra_and_a_missing_service() -> None:
    drifted = copy.deepcopy(compose())
    extra = copy.deepcopy(drifted["services"]["catalog"])
    extra["environment"]["MINISHOP_SERVICE"] = "reviews"
    drifted["services"]["reviews"] = extra
    del drifted["services"]["shipping"]
    drifted["services"]["migrate"]["command"][-1] += " && minishop migrate reviews"

    problems = compose_problems(drifted, Expected.from_code())

    assert "compose names reviews, which the code does not have" in problems
    assert "compose misses shipping, which the code has" in problems
    assert "compose migrate names reviews, which the code does not have" in problems


def test_the_compose_check_notices_migrations_the_code_gained_or_lost() -> None:
    code = Expected.from_code()
    without_catalog = Expected(code.services, code.migrating - {"catalog"})
    with_notifications = Expected(code.services, code.migrating | {"notifications"})

    if "notifications" not in code.migrating:
        assert "compose migrate misses notifications, which the code has" in compose_problems(
            compose(), with_notifications
        )
    assert "compose migrate names catalog, which the code does not have" in compose_problems(
        compose(), without_catalog
    )


def test_payments_and_notifications_reach_the_development_stand_ins() -> None:
    expected = stand_in_env()
    payments = {k: interpolate(v or "") for k, v in environment("payments").items()}
    notifications = {k: interpolate(v or "") for k, v in environment("notifications").items()}

    assert payments["PAYMENTS_PROCESSOR_URL"] == expected["PAYMENTS_PROCESSOR_URL"]
    assert notifications["MINISHOP_SMTP_URL"] == expected["MINISHOP_SMTP_URL"]
    for name, stand_in in (("payments", "processor"), ("notifications", "mailbox")):
        assert depends_on(name)[stand_in] == "service_healthy"
        assert stand_in not in required_dependencies(name), f"{name} also runs without it"
        assert services()[stand_in]["profiles"] == [DEVELOPMENT]
    for name in set(SUBGRAPHS) - {"payments", "notifications"}:
        assert not set(environment(name)) & set(expected), name


def test_stand_ins_run_from_the_one_image_hardened_like_the_subgraphs() -> None:
    migrate = services()["migrate"]
    for name in STAND_INS:
        spec = services()[name]
        assert interpolate(spec["image"]) == interpolate(migrate["image"]), name
        assert spec["read_only"] is True and spec["cap_drop"] == ["ALL"], name
        assert spec["security_opt"] == ["no-new-privileges:true"], name
        assert "/health/ready" in " ".join(spec["healthcheck"]["test"]), name
        assert not published_ports(name), name


def test_the_mailbox_keeps_mail_in_a_volume_the_image_user_owns() -> None:
    command = services()["mailbox"]["command"]
    mail_dir = command[command.index("--dir") + 1]
    mounts = {str(v).split(":")[1]: str(v).split(":")[0] for v in services()["mailbox"]["volumes"]}
    runtime = " ".join(instructions(dockerfile_stages()[-1], "RUN"))

    assert mounts[mail_dir] in compose()["volumes"]
    assert re.search(rf"install -d -o 10001 -g 10001 [^&]*{re.escape(mail_dir)}", runtime)
    assert MAILBOX.smtp_port is not None and str(MAILBOX.smtp_port) in command


def published_ports(service: str) -> list[str]:
    """Container ports a service publishes on the host."""
    ports = []
    for entry in services()[service].get("ports", []):
        if isinstance(entry, dict):
            ports.append(str(entry["target"]))
        else:
            ports.append(interpolate(str(entry)).rsplit(":", 1)[-1].split("/")[0])
    return ports


def test_every_subgraph_runs_the_one_image_as_itself() -> None:
    images = {interpolate(services()[name]["image"]) for name in SUBGRAPHS}
    builders = [name for name, spec in services().items() if "build" in spec]

    assert builders == ["migrate"], "exactly one service builds the image"
    assert images == {interpolate(services()["migrate"]["image"])}
    for name in SUBGRAPHS:
        assert environment(name)["MINISHOP_SERVICE"] == name


def test_long_running_services_have_healthchecks() -> None:
    for name in (*SUBGRAPHS, *STAND_INS, "postgres", "redis", "router"):
        check = services()[name].get("healthcheck", {})
        assert check.get("test") and not check.get("disable"), f"{name} has no healthcheck"


def test_subgraph_healthchecks_ask_for_readiness_on_port_8000() -> None:
    for name in SUBGRAPHS:
        assert "127.0.0.1:8000/health/ready" in " ".join(services()[name]["healthcheck"]["test"])


def test_router_healthcheck_asks_its_health_port() -> None:
    assert "/dev/tcp/127.0.0.1/8088" in " ".join(services()["router"]["healthcheck"]["test"])
    assert "/health?ready" in " ".join(services()["router"]["healthcheck"]["test"])


def test_depends_on_names_real_services_with_valid_conditions_and_no_cycle() -> None:
    graph = {name: depends_on(name) for name in services()}
    for name, deps in graph.items():
        for dep, condition in deps.items():
            assert dep in graph, f"{name} depends on unknown {dep}"
            assert condition in CONDITIONS, f"{name} → {dep}: {condition}"
            if condition == "service_healthy":
                assert "healthcheck" in services()[dep], f"{name} waits for {dep}'s health"
            if condition == "service_completed_successfully":
                assert services()[dep].get("restart", "no") == "no", f"{dep} must be one-shot"

    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == "done":
            return
        assert state.get(name) != "active", f"depends_on cycle: {' → '.join([*path, name])}"
        state[name] = "active"
        for dep in graph[name]:
            visit(dep, [*path, name])
        state[name] = "done"

    for name in graph:
        visit(name, [])


def test_subgraphs_wait_for_their_data_stores_and_the_migrations() -> None:
    for name in SUBGRAPHS:
        deps = depends_on(name)
        assert deps.get("redis") == "service_healthy", name
        if name in POSTGRES_SUBGRAPHS:
            assert deps.get("postgres") == "service_healthy", name
            assert deps.get("migrate") == "service_completed_successfully", name
    assert depends_on("accounts")["jwt-key"] == "service_completed_successfully"


def test_migrate_runs_after_postgres_is_healthy_and_stops_at_the_first_failure() -> None:
    command = services()["migrate"]["command"]

    assert depends_on("migrate")["postgres"] == "service_healthy"
    assert command[:2] == ["sh", "-ec"]
    assert re.fullmatch(r"minishop migrate \w+( && minishop migrate \w+)*", command[2])


def test_router_waits_for_every_subgraph_to_be_healthy() -> None:
    assert depends_on("router") == dict.fromkeys(SUBGRAPHS, "service_healthy")


def test_services_outside_a_profile_never_require_a_profiled_one() -> None:
    for name, spec in services().items():
        if spec.get("profiles"):
            continue
        for dep in required_dependencies(name):
            assert not services()[dep].get("profiles"), f"{name} needs profiled {dep}"


def test_only_the_router_and_observability_uis_publish_ports() -> None:
    publishers = {name for name in services() if published_ports(name)}

    assert published_ports("router") == ["4000"]
    for name in publishers - {"router"}:
        assert OBSERVABILITY in services()[name].get("profiles", []), f"{name} publishes ports"


def test_published_ports_bind_to_loopback_by_default() -> None:
    for name, spec in services().items():
        for entry in spec.get("ports", []):
            assert interpolate(str(entry)).startswith("127.0.0.1:"), f"{name}: {entry}"


def test_subgraphs_and_data_stores_are_only_on_internal_networks() -> None:
    internal = {name for name, net in compose()["networks"].items() if (net or {}).get("internal")}
    for name in (*SUBGRAPHS, *STAND_INS, "postgres", "redis", "migrate", "jwt-key"):
        networks = set(services()[name].get("networks", ["default"]))
        assert networks <= internal, f"{name} joins {networks - internal}"
    assert set(services()["router"]["networks"]) & internal, "the router must reach the subgraphs"


def test_pulled_images_are_pinned() -> None:
    for name, spec in services().items():
        image = interpolate(spec["image"])
        repository, _, tag = image.rpartition(":")
        assert repository and "/" not in tag, f"{name}: {image} has no tag"
        assert tag != "latest", f"{name}: {image}"
        if "build" not in spec and spec.get("pull_policy") != "never":
            assert re.search(r"\d", tag), f"{name}: {image} names no version"
    assert services()["router"]["image"] == "ghcr.io/apollographql/router:v2.13.1"
    assert interpolate(services()["postgres"]["image"]).startswith("postgres:18.")


def test_each_subgraph_gets_only_its_own_database() -> None:
    for name in SUBGRAPHS:
        urls = {k: v for k, v in environment(name).items() if k.endswith("_DATABASE_URL")}
        if name not in POSTGRES_SUBGRAPHS:
            assert urls == {}, name
            continue
        assert list(urls) == [f"{name.upper()}_DATABASE_URL"], name
        url = interpolate(urls[f"{name.upper()}_DATABASE_URL"] or "")
        own = rf"postgresql\+asyncpg://minishop:[^@]+@postgres:5432/minishop_{name}"
        assert re.fullmatch(own, url), url


def test_subgraph_environment_follows_the_service_contract() -> None:
    for name in SUBGRAPHS:
        env = {k: interpolate(v or "") for k, v in environment(name).items()}
        assert env["MINISHOP_REDIS_URL"] == "redis://redis:6379/0"
        assert env["MINISHOP_JWKS_URL"] == "http://accounts:8000/.well-known/jwks.json"
        assert env["MINISHOP_ENV"] == "development"
        for other in SUBGRAPHS:
            assert env[f"MINISHOP_SERVICE_{other.upper()}_URL"] == f"http://{other}:8000"
        assert ("ACCOUNTS_JWT_PRIVATE_KEY_FILE" in env) == (name == "accounts")


def test_dev_secrets_are_the_defaults_production_refuses() -> None:
    from shared.settings import DEV_ADMIN_PASSWORD, DEV_INTERNAL_SECRET

    env = {k: interpolate(v or "") for k, v in environment("catalog").items()}
    assert env["MINISHOP_INTERNAL_SECRET"] == DEV_INTERNAL_SECRET
    assert env["MINISHOP_ADMIN_PASSWORD"] == DEV_ADMIN_PASSWORD


def test_accounts_reads_the_signing_key_that_jwt_key_writes() -> None:
    key_file = Path(environment("accounts")["ACCOUNTS_JWT_PRIVATE_KEY_FILE"] or "")
    writer = " ".join(services()["jwt-key"]["command"])
    mounts = {v.split(":")[1]: v.split(":")[0] for v in services()["accounts"]["volumes"]}
    writer_mounts = {v.split(":")[1]: v.split(":")[0] for v in services()["jwt-key"]["volumes"]}

    assert str(key_file) in writer
    assert mounts[str(key_file.parent)] == writer_mounts[str(key_file.parent)]
    assert services()["accounts"]["volumes"][0].endswith(":ro")


def test_every_variable_has_a_default_so_a_bare_up_works() -> None:
    for match in _VARIABLE.finditer(COMPOSE.read_text()):
        assert match["op"] in (":-", "-"), f"${{{match['name']}}} has no default"


def test_init_sql_creates_exactly_the_databases_the_services_use() -> None:
    init_sql = REPO_ROOT / "deploy" / "postgres" / "init.sql"
    created = set(re.findall(r"CREATE DATABASE (\w+);", init_sql.read_text()))
    mount = f"./{init_sql.relative_to(REPO_ROOT)}:/docker-entrypoint-initdb.d/"

    assert created == {f"minishop_{name}" for name in POSTGRES_SUBGRAPHS}
    assert any(str(v).startswith(mount) for v in services()["postgres"]["volumes"])


def test_postgres_data_volume_is_where_postgres_18_keeps_its_data() -> None:
    # From 18 the image's PGDATA is /var/lib/postgresql/18/docker; a volume on
    # the old .../data path is refused at start.
    targets = [str(v).split(":")[1] for v in services()["postgres"]["volumes"]]
    assert "/var/lib/postgresql" in targets
    assert "/var/lib/postgresql/data" not in targets


def test_bind_mounted_files_exist() -> None:
    for name, spec in services().items():
        for volume in spec.get("volumes", []):
            source = str(volume).split(":")[0]
            if source.startswith("."):
                assert (REPO_ROOT / source).exists(), f"{name} mounts missing {source}"


def test_router_config_is_mounted_for_both_config_choices() -> None:
    router = services()["router"]
    mounted = {str(v).split(":")[1] for v in router["volumes"]}
    config_path = environment("router")["APOLLO_ROUTER_CONFIG_PATH"] or ""

    for choice in ("router.yaml", "router.licensed.yaml"):
        assert interpolate(config_path, {"MINISHOP_ROUTER_CONFIG": choice}) in mounted
    assert interpolate(config_path) == "/config/router.yaml"
    schema_dir = next(v for v in router["volumes"] if str(v).split(":")[1] == "/schema")
    assert (REPO_ROOT / schema_dir.split(":")[0] / "supergraph.graphql").is_file()
    assert environment("router")["APOLLO_ROUTER_SUPERGRAPH_PATH"] == "/schema/supergraph.graphql"


def test_router_knows_where_every_subgraph_is() -> None:
    env = environment("router")
    for name in SUBGRAPHS:
        assert env[f"MINISHOP_SUBGRAPH_{name.upper()}_URL"] == f"http://{name}:8000/graphql"
    for config in ("router.yaml", "router.licensed.yaml"):
        text = (REPO_ROOT / "router" / config).read_text()
        for variable in set(re.findall(r"\$\{env\.(MINISHOP_SUBGRAPH_\w+_URL)", text)):
            assert variable in env, f"{config} reads {variable}, compose does not set it"


def test_apollo_key_is_passed_through_only_when_set() -> None:
    # An empty APOLLO_KEY still counts as a key to the router.
    assert environment("router")["APOLLO_KEY"] is None
    assert environment("router")["APOLLO_GRAPH_REF"] is None


def test_prometheus_scrapes_every_subgraph_and_the_router() -> None:
    config = yaml.safe_load((REPO_ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    targets = {
        target
        for job in config["scrape_configs"]
        for group in job["static_configs"]
        for target in group["targets"]
    }
    router_config = yaml.safe_load((REPO_ROOT / "router" / "router.yaml").read_text())
    router_metrics = router_config["telemetry"]["exporters"]["metrics"]["prometheus"]

    assert targets == {f"{name}:8000" for name in SUBGRAPHS} | {"router:9090"}
    assert router_metrics["listen"].endswith(":9090")
    assert {job["metrics_path"] for job in config["scrape_configs"]} == {router_metrics["path"]}


def test_grafana_provisions_the_compose_prometheus() -> None:
    provisioning = REPO_ROOT / "deploy" / "grafana" / "provisioning" / "datasources"
    sources = yaml.safe_load((provisioning / "prometheus.yaml").read_text())["datasources"]

    assert [(s["type"], s["url"], s["isDefault"]) for s in sources] == [
        ("prometheus", "http://prometheus:9090", True)
    ]
    assert services()["grafana"]["profiles"] == services()["prometheus"]["profiles"]


def test_grafana_dashboards_are_mounted_and_query_metrics_the_services_define() -> None:
    provisioning = REPO_ROOT / "deploy" / "grafana" / "provisioning"
    (provider,) = yaml.safe_load((provisioning / "dashboards" / "minishop.yaml").read_text())[
        "providers"
    ]
    mounts = dict(str(v).split(":")[1::-1] for v in services()["grafana"]["volumes"])
    source = REPO_ROOT / mounts[provider["options"]["path"]]
    (datasource,) = yaml.safe_load((provisioning / "datasources" / "prometheus.yaml").read_text())[
        "datasources"
    ]
    defined = set(
        re.findall(
            r'(?:Histogram|Counter|Gauge)\(\s*"(minishop_\w+)"',
            "".join(path.read_text() for path in (REPO_ROOT / "shared").rglob("*.py")),
        )
    )

    dashboards = list(source.glob("*.json"))
    assert dashboards
    for path in dashboards:
        for panel in json.loads(path.read_text())["panels"]:
            for target in panel["targets"]:
                assert target["datasource"]["uid"] == datasource["uid"], path.name
                for metric in re.findall(r"minishop_\w+", target["expr"]):
                    base = re.sub(r"_(bucket|count|sum)$", "", metric)
                    # Counters are exposed with _total; prometheus_client names them so.
                    assert base in defined or base.removesuffix("_total") in defined, metric


# --- Dockerfile and .dockerignore -------------------------------------------


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


def test_dockerfile_builds_from_a_pinned_python_3_11_slim() -> None:
    for stage in dockerfile_stages():
        image = instructions(stage, "FROM")[0].split()[0]
        assert re.fullmatch(r"python:3\.11\.\d+-slim(-\w+)?", image), image


def test_dockerfile_installs_the_pinned_uv_and_syncs_the_lock_without_dev_tools() -> None:
    build = " ".join(instructions(dockerfile_stages()[0], "RUN"))
    env = " ".join(instructions(dockerfile_stages()[0], "ENV"))
    lock = (REPO_ROOT / "uv.lock").read_text()

    assert "pip install uv==0.13.8" in build
    assert "UV_PROJECT_ENVIRONMENT=/app/.venv" in env
    syncs = re.findall(r"uv sync ([^&]*)", build)
    assert syncs and all("--frozen" in s and "--no-dev" in s for s in syncs)
    for package in re.findall(r"--no-install-package ([\w-]+)", build):
        assert f'name = "{package}"' in lock, f"{package} is not in uv.lock"


def test_dockerfile_final_stage_is_non_root_without_build_tools() -> None:
    final = dockerfile_stages()[-1]
    user = instructions(final, "USER")[-1]
    runs = " ".join(instructions(final, "RUN"))

    assert re.fullmatch(r"[1-9]\d*(:[1-9]\d*)?", user), "a numeric, non-root USER"
    for tool in ("pip ", "uv ", "apt-get", "gcc", "build-essential"):
        assert tool not in runs, f"{tool.strip()} in the final stage"
    assert any("--from=build" in c and "/app" in c for c in instructions(final, "COPY"))


def test_dockerfile_serves_the_named_subgraph_on_8000_with_a_liveness_healthcheck() -> None:
    final = dockerfile_stages()[-1]
    command = instructions(final, "CMD")[-1]

    assert instructions(final, "EXPOSE") == ["8000"]
    assert "/health/live" in instructions(final, "HEALTHCHECK")[-1]
    assert "MINISHOP_SERVICE" in command
    assert re.search(r"uvicorn --factory \\?\"?subgraphs\.\$\{MINISHOP_SERVICE", command)
    assert "--host 0.0.0.0 --port 8000" in command


def dockerignored(path: str) -> bool:
    """Docker's rule: the last pattern matching the path or a parent decides."""
    ignored = False
    for raw in (REPO_ROOT / ".dockerignore").read_text().splitlines():
        pattern = raw.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        regex = re.escape(pattern).replace(r"\*\*/", "(.*/)?").replace(r"\*\*", ".*")
        regex = regex.replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        regex = regex.replace(r"\[", "[").replace(r"\]", "]")
        parts = path.split("/")
        if any(re.fullmatch(regex, "/".join(parts[:i])) for i in range(1, len(parts) + 1)):
            ignored = not negate
    return ignored


@pytest.mark.parametrize(
    "path",
    [
        ".git/HEAD",
        ".venv/bin/python",
        ".minishop/logs/catalog.log",
        "router/node_modules/graphql/index.js",
        ".pytest_cache/v/cache",
        ".ruff_cache/x",
        ".mypy_cache/x",
        "shared/__pycache__/app.cpython-311.pyc",
        "subgraphs/catalog/.pytest_cache/x",
        "tests/conftest.py",
        ".env",
    ],
)
def test_dockerignore_keeps_local_state_out_of_the_build(path: str) -> None:
    assert dockerignored(path)


def test_every_path_the_dockerfile_copies_is_in_the_build_context() -> None:
    for stage in dockerfile_stages():
        for instruction in instructions(stage, "COPY"):
            if "--from=" in instruction:
                continue
            for source in instruction.split()[:-1]:
                assert (REPO_ROOT / source).exists(), source
                assert not dockerignored(source), f"{source} is excluded by .dockerignore"
    for path in ("shared/app.py", "subgraphs/catalog/migrations/env.py"):
        assert not dockerignored(path), path
