"""k8s/: every manifest and kustomization, checked as files.

The built overlays (tests/deploy/kustomize.py renders them; kubectl's build,
where installed, must be identical) are checked in test_k8s_built.py, the
network policies in test_k8s_policies.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from shared.settings import DEV_ADMIN_PASSWORD, DEV_INTERNAL_SECRET
from tests.deploy.k8s_support import (
    EXAMPLE_SECRETS,
    K8S,
    OVERLAYS,
    PLACEHOLDER,
    POSTGRES_SUBGRAPHS,
    REPO_ROOT,
    STAND_INS,
    SUBGRAPHS,
    check_workload,
    env,
    generator_literals,
    kustomization,
    kustomization_folders,
    manifests,
    named,
    of_kind,
    probe_path,
    referenced_paths,
    secret_refs,
    workloads,
)

# --- files and kustomizations --------------------------------------------------


def test_every_manifest_parses_and_names_its_kind() -> None:
    assert manifests()
    for path, doc in manifests():
        assert doc.get("apiVersion") and doc.get("kind"), path
        assert doc["metadata"].get("name"), path


def test_kustomizations_read_only_files_that_exist() -> None:
    for folder in kustomization_folders():
        for path in referenced_paths(folder):
            assert path.exists(), f"{folder.relative_to(REPO_ROOT)} reads missing {path}"
            if path.is_dir():
                assert (path / "kustomization.yaml").is_file(), path


def test_every_manifest_is_used_by_some_kustomization() -> None:
    used = {
        path.resolve() for folder in kustomization_folders() for path in referenced_paths(folder)
    }
    for path in {path for path, _ in manifests()}:
        if not path.name.endswith(".example.yaml"):
            assert path.resolve() in used, f"{path.relative_to(REPO_ROOT)} is not used"


def test_example_secrets_are_never_applied() -> None:
    used = {
        path.resolve() for folder in kustomization_folders() for path in referenced_paths(folder)
    }
    assert EXAMPLE_SECRETS.resolve() not in used


# --- workloads -------------------------------------------------------------------


def test_subgraphs_probe_live_and_ready_on_8000() -> None:
    for name in SUBGRAPHS:
        app = named("Deployment", name)["spec"]["template"]["spec"]["containers"][0]
        assert probe_path(app, "livenessProbe") == ("/health/live", 8000), name
        assert probe_path(app, "readinessProbe") == ("/health/ready", 8000), name


def test_router_probes_its_health_port() -> None:
    router = named("Deployment", "router")["spec"]["template"]["spec"]["containers"][0]
    assert probe_path(router, "livenessProbe") == ("/health?live", 8088)
    assert probe_path(router, "readinessProbe") == ("/health?ready", 8088)


def test_workloads_are_non_root_read_only_with_resources_and_pinned_images() -> None:
    assert len(of_kind("Deployment")) == len(SUBGRAPHS) + 1 + len(STAND_INS)
    for workload in workloads():
        check_workload(workload)
    assert named("Deployment", "router")["spec"]["template"]["spec"]["containers"][0]["image"] == (
        "ghcr.io/apollographql/router:v2.13.1"
    )


def test_replicas_are_left_to_an_hpa_and_disruptions_to_a_pdb() -> None:
    for deployment in of_kind("Deployment"):
        name = deployment["metadata"]["name"]
        if name in STAND_INS:
            # One pod each: their state lives in the pod (charges, mail files).
            assert deployment["spec"]["replicas"] == 1, name
            assert not [
                h for h in of_kind("HorizontalPodAutoscaler") if h["metadata"]["name"] == name
            ]
            continue
        assert "replicas" not in deployment["spec"], f"{name}: the HPA owns replicas"
        hpa = named("HorizontalPodAutoscaler", name)
        assert hpa["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": name,
        }
        assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
        pdb = named("PodDisruptionBudget", name)
        assert pdb["spec"]["selector"] == deployment["spec"]["selector"]


def test_subgraph_deployments_follow_the_service_contract() -> None:
    for name in SUBGRAPHS:
        deployment = named("Deployment", name)
        pod = deployment["spec"]["template"]["spec"]
        app = pod["containers"][0]
        variables = env(app)

        assert pod["enableServiceLinks"] is False, name
        assert variables["MINISHOP_SERVICE"]["value"] == name
        assert {"configMapRef": {"name": "minishop-config"}} in app["envFrom"], name
        databases = {ref for ref in secret_refs(app) if ref.endswith("-database")}
        own = {f"minishop-{name}-database"} if name in POSTGRES_SUBGRAPHS else set()
        assert databases == own, f"{name} sees {databases}"
        if own:
            assert f"{name.upper()}_DATABASE_URL" in variables
        assert variables["MINISHOP_REDIS_URL"]["valueFrom"]["secretKeyRef"]["name"] == (
            "minishop-redis"
        )
        migrations = [c["command"] for c in pod.get("initContainers", [])]
        assert migrations in ([["minishop", "migrate", name]], []), name
        if not own:
            assert migrations == [], f"{name} has no database to migrate"
        service = named("Service", name)
        assert [(p["port"], p["targetPort"]) for p in service["spec"]["ports"]] == [(8000, "http")]


def test_accounts_signs_with_the_key_from_a_secret() -> None:
    pod = named("Deployment", "accounts")["spec"]["template"]["spec"]
    key_file = Path(env(pod["containers"][0])["ACCOUNTS_JWT_PRIVATE_KEY_FILE"]["value"])
    mount = next(
        m for m in pod["containers"][0]["volumeMounts"] if m["mountPath"] == str(key_file.parent)
    )
    volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])

    assert key_file == Path("/run/secrets/jwt-signing.pem")
    assert volume["secret"]["secretName"] == "minishop-jwt-signing"
    assert [item["path"] for item in volume["secret"]["items"]] == [key_file.name]
    # Root-owned files: the app user reads them through fsGroup.
    assert volume["secret"]["defaultMode"] & 0o040


def test_shared_config_points_the_services_at_each_other() -> None:
    literals = generator_literals(K8S / "base", "minishop-config")

    assert literals["MINISHOP_JWKS_URL"] == "http://accounts:8000/.well-known/jwks.json"
    for name in SUBGRAPHS:
        assert literals[f"MINISHOP_SERVICE_{name.upper()}_URL"] == f"http://{name}:8000"
    assert not any(re.search("PASSWORD|SECRET|DATABASE_URL|REDIS_URL", k) for k in literals)


def test_router_config_and_supergraph_come_from_the_tested_files() -> None:
    generators = {g["name"]: g for g in kustomization(K8S / "base")["configMapGenerator"]}
    files = {
        name: {entry.split("=", 1)[1] for entry in generators[name]["files"]}
        for name in ("router-config", "router-supergraph")
    }

    assert files["router-config"] == {
        "../../router/router.yaml",
        "../../router/router.licensed.yaml",
    }
    assert files["router-supergraph"] == {"../../schema/supergraph.graphql"}
    variables = env(named("Deployment", "router")["spec"]["template"]["spec"]["containers"][0])
    assert variables["APOLLO_ROUTER_CONFIG_PATH"]["value"] == "/config/router.yaml"
    for name in SUBGRAPHS:
        url = variables[f"MINISHOP_SUBGRAPH_{name.upper()}_URL"]["value"]
        assert url == f"http://{name}:8000/graphql"
    for config in ("router.yaml", "router.licensed.yaml"):
        text = (REPO_ROOT / "router" / config).read_text()
        for variable in set(re.findall(r"\$\{env\.(MINISHOP_SUBGRAPH_\w+_URL)", text)):
            assert variable in variables, f"{config} reads {variable}, the router lacks it"


def test_ingress_reaches_only_the_router_graphql_port() -> None:
    ingresses = of_kind("Ingress")
    backends = [
        path["backend"]["service"]
        for ingress in ingresses
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    ]
    assert backends == [{"name": "router", "port": {"name": "graphql"}}]


# --- secrets and environments ---------------------------------------------------


def test_secret_manifests_hold_only_placeholders() -> None:
    for path, secret in manifests():
        if secret["kind"] != "Secret":
            continue
        assert "data" not in secret, f"{path}: base64 data is not reviewable"
        for key, value in secret.get("stringData", {}).items():
            assert PLACEHOLDER.fullmatch(str(value)), f"{path}: {key} is not a placeholder"
    for path in K8S.rglob("*"):
        if path.is_file():
            assert "-----BEGIN" not in path.read_text(), f"{path} holds a key or certificate"


def test_only_dev_generates_secrets_and_only_from_dev_values() -> None:
    for folder in kustomization_folders():
        if folder != K8S / "overlays" / "dev":
            assert "secretGenerator" not in kustomization(folder), folder
    literals = {
        literal.split("=", 1)[0] + "@" + generator["name"]: literal.split("=", 1)[1]
        for generator in kustomization(K8S / "overlays" / "dev")["secretGenerator"]
        for literal in generator["literals"]
    }
    assert literals["MINISHOP_INTERNAL_SECRET@minishop-platform"] == DEV_INTERNAL_SECRET
    assert literals["MINISHOP_ADMIN_PASSWORD@minishop-platform"] == DEV_ADMIN_PASSWORD
    for key, value in literals.items():
        password = re.search(r"://[^:/@]+:([^@]+)@", value)
        if password:
            assert "dev" in password[1], f"{key}: not a dev-only password"
        if re.search("PASSWORD|SECRET", key):
            assert "dev" in value, f"{key}: not a dev-only value"


def test_every_overlay_sets_minishop_env() -> None:
    expected = {"dev": "development", "staging": "production", "prod": "production"}
    for overlay, value in expected.items():
        literals = generator_literals(K8S / "overlays" / overlay, "minishop-config")
        assert literals.get("MINISHOP_ENV") == value, overlay
    assert "MINISHOP_ENV" not in generator_literals(K8S / "base", "minishop-config")


def test_staging_and_prod_run_the_licensed_router_with_a_key_from_a_secret() -> None:
    component = K8S / "components" / "production"
    for overlay in ("staging", "prod"):
        folder = K8S / "overlays" / overlay
        assert [(folder / c).resolve() for c in kustomization(folder)["components"]] == [
            component.resolve()
        ]
    (patch,) = [p["path"] for p in kustomization(component)["patches"]]
    router = yaml.safe_load((component / patch).read_text())["spec"]["template"]["spec"]
    container = router["containers"][0]

    assert env(container)["APOLLO_ROUTER_CONFIG_PATH"]["value"] == "/config/router.licensed.yaml"
    assert {"secretRef": {"name": "minishop-apollo"}} in container["envFrom"]
    example = {d["metadata"]["name"]: d for d in yaml.safe_load_all(EXAMPLE_SECRETS.read_text())}
    assert {"APOLLO_KEY", "APOLLO_GRAPH_REF"} <= set(example["minishop-apollo"]["stringData"])


def test_data_stores_run_in_the_cluster_only_in_dev() -> None:
    for path, doc in manifests():
        if doc["kind"] == "StatefulSet":
            assert path.parent == K8S / "overlays" / "dev", path
    postgres = named("StatefulSet", "postgres")
    mounts = {
        m["mountPath"]
        for m in postgres["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
    }
    assert "/var/lib/postgresql" in mounts and "/var/lib/postgresql/data" not in mounts


def hpa_bounds(overlay: str) -> tuple[int, int]:
    for patch in kustomization(K8S / "overlays" / overlay)["patches"]:
        if patch.get("target", {}).get("kind") == "HorizontalPodAutoscaler":
            ops = {op["path"]: op["value"] for op in yaml.safe_load(patch["patch"])}
            return ops["/spec/minReplicas"], ops["/spec/maxReplicas"]
    raise AssertionError(f"{overlay} sets no HPA bounds")


def test_hpa_bounds_grow_from_dev_to_prod() -> None:
    dev, staging, prod = (hpa_bounds(overlay) for overlay in OVERLAYS)
    assert dev[0] == 1 and dev <= staging <= prod
    assert prod[0] >= 2, "production keeps a spare replica through a disruption"
