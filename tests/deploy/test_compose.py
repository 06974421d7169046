"""compose.yaml, checked as a file, against the compose specification and the code.

No container engine runs here, so nothing is started: the checks read the
files the way compose and docker would and hold them to the service contract
(env names, probes, ports, start order) the subgraphs and the router rely on.
"""

from __future__ import annotations

import copy
import re
import subprocess
from pathlib import Path

import yaml

from shared.services import MAILBOX
from tests.deploy.compose_support import (
    _VARIABLE,
    CHECK_JSONSCHEMA,
    COMPOSE,
    CONDITIONS,
    DEVELOPMENT,
    OBSERVABILITY,
    POSTGRES_SUBGRAPHS,
    REPO_ROOT,
    STAND_INS,
    SUBGRAPHS,
    compose,
    depends_on,
    dockerfile_stages,
    environment,
    instructions,
    interpolate,
    published_ports,
    required_dependencies,
    services,
)
from tests.deploy.contract import Expected, compose_problems, stand_in_env

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
