"""k8s/: every manifest and kustomization, checked as files and as built overlays.

Each overlay is built with the renderer in tests/deploy/kustomize.py (what the
cluster would get: generator hashes, patches, namespace, images applied),
validated against the Kubernetes schemas and held to what the registry and the
code say. Where `kubectl` is installed, its own build must equal the renderer's.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from shared.services import COMPONENTS, MAILBOX, PAYMENT_PROCESSOR, SERVICES
from shared.settings import DEV_ADMIN_PASSWORD, DEV_INTERNAL_SECRET
from tests.deploy import kustomize
from tests.deploy.contract import Expected, k8s_problems, stand_in_env

REPO_ROOT = Path(__file__).resolve().parents[2]
K8S = REPO_ROOT / "k8s"
SUBGRAPHS = tuple(spec.name for spec in SERVICES)
POSTGRES_SUBGRAPHS = tuple(spec.name for spec in SERVICES if spec.uses_postgres)
STAND_INS = tuple(component.name for component in COMPONENTS)
OVERLAYS = ("dev", "staging", "prod")
# A release kubernetes-validate ships schemas for; strict: unknown fields are errors.
KUBERNETES_VERSION = "1.31"
# Subgraph → subgraph calls the policies must allow, and no others: the JWKS
# for everyone, and the `/internal/...` callers.
EXPECTED_CALLS = {(name, "accounts") for name in SUBGRAPHS if name != "accounts"} | {
    ("cart", "catalog"),
    ("orders", "catalog"),
    ("orders", "cart"),
    ("orders", "payments"),
    ("orders", "shipping"),
}
PLACEHOLDER = re.compile(r"<[^<>]+>")
EXAMPLE_SECRETS = K8S / "components" / "production" / "secrets.example.yaml"
KUBECTL = shutil.which("kubectl")
Doc = dict[str, Any]
# libyaml when present: the manifests are parsed many times over.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def manifests() -> tuple[tuple[Path, Doc], ...]:
    """Every document of every YAML file under k8s/ but the kustomizations."""
    found = []
    for path in sorted(K8S.rglob("*.yaml")):
        if path.name != "kustomization.yaml":
            found += [(path, doc) for doc in yaml.load_all(path.read_text(), Loader) if doc]
    return tuple(found)


@cache
def kustomization(folder: Path) -> Doc:
    document: Doc = yaml.safe_load((folder / "kustomization.yaml").read_text())
    return document


def kustomization_folders() -> list[Path]:
    return sorted(path.parent for path in K8S.rglob("kustomization.yaml"))


@cache
def resources() -> tuple[Doc, ...]:
    """The documents kustomizations list as resources: no patches, no templates."""
    listed = {
        (folder / entry).resolve()
        for folder in kustomization_folders()
        for entry in kustomization(folder).get("resources", [])
    }
    return tuple(doc for path, doc in manifests() if path.resolve() in listed)


def of_kind(kind: str, docs: Iterable[Doc] | None = None) -> list[Doc]:
    pool = docs if docs is not None else resources()
    return [doc for doc in pool if doc.get("kind") == kind]


def named(kind: str, name: str, docs: Iterable[Doc] | None = None) -> Doc:
    (doc,) = (d for d in of_kind(kind, docs) if d["metadata"]["name"] == name)
    return doc


def base_docs() -> list[Doc]:
    return [doc for path, doc in manifests() if path.parent == K8S / "base"]


def workloads(docs: Iterable[Doc] | None = None) -> list[Doc]:
    docs = list(docs) if docs is not None else None
    return of_kind("Deployment", docs) + of_kind("StatefulSet", docs)


def containers(workload: Doc) -> list[Doc]:
    spec = workload["spec"]["template"]["spec"]
    return [*spec.get("initContainers", []), *spec["containers"]]


def env(container: Doc) -> dict[str, Doc]:
    return {item["name"]: item for item in container.get("env", [])}


def generator_literals(folder: Path, name: str) -> dict[str, str]:
    for generator in kustomization(folder).get("configMapGenerator", []):
        if generator["name"] == name:
            return dict(literal.split("=", 1) for literal in generator.get("literals", []))
    return {}


# --- files and kustomizations --------------------------------------------------


def test_every_manifest_parses_and_names_its_kind() -> None:
    assert manifests()
    for path, doc in manifests():
        assert doc.get("apiVersion") and doc.get("kind"), path
        assert doc["metadata"].get("name"), path


def referenced_paths(folder: Path) -> Iterator[Path]:
    """Every file or folder a kustomization reads."""
    document = kustomization(folder)
    for entry in [*document.get("resources", []), *document.get("components", [])]:
        yield folder / entry
    for patch in document.get("patches", []):
        if "path" in patch:
            yield folder / patch["path"]
    for generator in [
        *document.get("configMapGenerator", []),
        *document.get("secretGenerator", []),
    ]:
        for entry in generator.get("files", []):
            yield folder / entry.split("=", 1)[-1]


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


def probe_path(container: Doc, probe: str) -> tuple[str, int]:
    """(path, container port) of an HTTP probe, the port resolved by name."""
    get = container[probe]["httpGet"]
    ports = {port.get("name"): port["containerPort"] for port in container["ports"]}
    return get["path"], ports.get(get["port"], get["port"])


def test_subgraphs_probe_live_and_ready_on_8000() -> None:
    for name in SUBGRAPHS:
        app = named("Deployment", name)["spec"]["template"]["spec"]["containers"][0]
        assert probe_path(app, "livenessProbe") == ("/health/live", 8000), name
        assert probe_path(app, "readinessProbe") == ("/health/ready", 8000), name


def test_router_probes_its_health_port() -> None:
    router = named("Deployment", "router")["spec"]["template"]["spec"]["containers"][0]
    assert probe_path(router, "livenessProbe") == ("/health?live", 8088)
    assert probe_path(router, "readinessProbe") == ("/health?ready", 8088)


def check_workload(workload: Doc) -> None:
    name = workload["metadata"]["name"]
    pod = workload["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True, name
    assert pod["securityContext"].get("runAsUser", 1) != 0, name
    assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", name
    assert pod.get("automountServiceAccountToken") is False, name
    for container in containers(workload):
        where = f"{name}/{container['name']}"
        resources = container.get("resources", {})
        assert {"cpu", "memory"} <= set(resources.get("requests", {})), where
        assert "memory" in resources.get("limits", {}), where
        security = container.get("securityContext", {})
        assert security.get("allowPrivilegeEscalation") is False, where
        assert security.get("readOnlyRootFilesystem") is True, where
        assert security.get("capabilities", {}).get("drop") == ["ALL"], where
        if container in pod["containers"] and workload["kind"] == "Deployment":
            assert "livenessProbe" in container and "readinessProbe" in container, where
        image = container["image"]
        assert ":" in image.rsplit("/", 1)[-1] and not image.endswith(":latest"), where


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


def secret_refs(container: Doc) -> set[str]:
    refs = {
        item["secretRef"]["name"] for item in container.get("envFrom", []) if "secretRef" in item
    }
    for item in container.get("env", []):
        if "secretKeyRef" in item.get("valueFrom", {}):
            refs.add(item["valueFrom"]["secretKeyRef"]["name"])
    return refs


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


# --- network policies ----------------------------------------------------------


@dataclass(frozen=True)
class Pod:
    labels: dict[str, str]
    namespace: str = "minishop"
    namespace_labels: dict[str, str] = field(default_factory=dict)


def selects(selector: Doc, labels: dict[str, str]) -> bool:
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values")
        present = key in labels
        ok = {
            "In": present and labels.get(key) in (values or []),
            "NotIn": not present or labels.get(key) not in (values or []),
            "Exists": present,
            "DoesNotExist": not present,
        }[operator]
        if not ok:
            return False
    return True


def peer_matches(peer: Doc, pod: Pod) -> bool:
    if "ipBlock" in peer:
        return False  # cluster pods are never reached through an ipBlock here
    if "namespaceSelector" in peer:
        in_namespace = selects(peer["namespaceSelector"], pod.namespace_labels)
    else:
        in_namespace = pod.namespace == "minishop"
    return in_namespace and selects(peer.get("podSelector", {}), pod.labels)


def port_matches(ports: list[Doc] | None, port: int) -> bool:
    return not ports or any(
        p.get("port") == port and p.get("protocol", "TCP") == "TCP" for p in ports
    )


def side_allows(policies: list[Doc], direction: str, own: Pod, other: Pod, port: int) -> bool:
    """Whether `own`'s policies let traffic go to (Egress) / come from (Ingress) `other`."""
    key, peers_key = ("egress", "to") if direction == "Egress" else ("ingress", "from")
    if own.namespace != "minishop":
        return True  # outside our namespace: not ours to restrict
    relevant = [
        p
        for p in policies
        if direction in p["spec"].get("policyTypes", ["Ingress"])
        and selects(p["spec"]["podSelector"], own.labels)
    ]
    if not relevant:
        return True
    return any(
        port_matches(rule.get("ports"), port)
        and (peers_key not in rule or any(peer_matches(peer, other) for peer in rule[peers_key]))
        for policy in relevant
        for rule in policy["spec"].get(key, [])
    )


def connects(policies: list[Doc], source: Pod, target: Pod, port: int) -> bool:
    return side_allows(policies, "Egress", source, target, port) and side_allows(
        policies, "Ingress", target, source, port
    )


def pods(docs: list[Doc]) -> dict[str, Pod]:
    return {
        d["metadata"]["name"]: Pod(dict(d["spec"]["template"]["metadata"]["labels"]))
        for d in workloads(docs)
    }


def outside(namespace: str, **labels: str) -> Pod:
    return Pod(labels, namespace, {"kubernetes.io/metadata.name": namespace})


def check_policy_graph(docs: list[Doc]) -> None:
    policies = of_kind("NetworkPolicy", docs)
    by_name = pods(docs)
    router, ingress = by_name["router"], outside("ingress-nginx")
    dns = outside("kube-system", **{"k8s-app": "kube-dns"})

    for source in SUBGRAPHS:
        assert connects(policies, router, by_name[source], 8000), f"router ↛ {source}"
        assert not connects(policies, ingress, by_name[source], 8000), f"outside → {source}"
        assert not connects(policies, by_name[source], router, 4000), f"{source} → router"
        assert connects(policies, by_name[source], dns, 53), f"{source} has no DNS"
        for target in SUBGRAPHS:
            if source != target:
                allowed = connects(policies, by_name[source], by_name[target], 8000)
                assert allowed == ((source, target) in EXPECTED_CALLS), f"{source} → {target}"
    assert connects(policies, ingress, router, 4000)
    assert not connects(policies, outside("default"), router, 4000)

    # Dev's stand-ins: each reached only by the service it stands in for.
    assert MAILBOX.smtp_port is not None
    users = {
        PAYMENT_PROCESSOR.name: ("payments", PAYMENT_PROCESSOR.http_port),
        MAILBOX.name: ("notifications", MAILBOX.smtp_port),
    }
    present = [name for name in users if name in by_name]
    for stand_in in present:
        user, port = users[stand_in]
        for source in (*SUBGRAPHS, "router", *present):
            allowed = connects(policies, by_name[source], by_name[stand_in], port)
            assert allowed == (source == user), f"{source} → {stand_in}"
        for target in SUBGRAPHS:
            assert not connects(policies, by_name[stand_in], by_name[target], 8000), stand_in
    # Dev's data stores: Postgres for the services with a database, Redis for the subgraphs.
    for store, port, clients in (
        ("postgres", 5432, POSTGRES_SUBGRAPHS),
        ("redis", 6379, SUBGRAPHS),
    ):
        if store in by_name:
            for source in (*SUBGRAPHS, "router", *present):
                allowed = connects(policies, by_name[source], by_name[store], port)
                assert allowed == (source in clients), f"{source} → {store}"


def test_a_default_deny_policy_covers_every_pod() -> None:
    deny = [
        p
        for p in of_kind("NetworkPolicy")
        if p["spec"]["podSelector"] == {}
        and set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"}
        and not p["spec"].get("ingress")
        and not p["spec"].get("egress")
    ]
    assert deny, "no default-deny NetworkPolicy"


def test_network_policies_allow_exactly_the_documented_calls() -> None:
    check_policy_graph(base_docs())


def test_the_policy_check_would_notice_an_extra_path() -> None:
    docs = base_docs()
    loose = {
        "kind": "NetworkPolicy",
        "metadata": {"name": "loose"},
        "spec": {
            "podSelector": {},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [{}],
            "egress": [{}],
        },
    }
    with pytest.raises(AssertionError, match="→"):
        check_policy_graph([*docs, loose])


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


# --- built overlays ----------------------------------------------------------------


@cache
def built(overlay: str) -> tuple[Doc, ...]:
    return tuple(kustomize.build(K8S / "overlays" / overlay))


@cache
def kubectl_built(overlay: str) -> tuple[Doc, ...]:
    result = subprocess.run(
        [
            KUBECTL or "kubectl",
            "kustomize",
            "--load-restrictor",
            "LoadRestrictionsNone",
            str(K8S / "overlays" / overlay),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return tuple(doc for doc in yaml.load_all(result.stdout, Loader) if doc)


needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_renderer_builds_what_kubectl_kustomize_builds(overlay: str) -> None:
    assert kustomize.canonical(list(built(overlay))) == kustomize.canonical(
        list(kubectl_built(overlay))
    )


def schema_errors(docs: Iterable[Doc]) -> list[str]:
    errors = []
    seen: set[str] = set()
    for doc in docs:
        text = json.dumps(doc, sort_keys=True)
        if text in seen:
            continue
        seen.add(text)
        where = f"{doc['kind']}/{doc['metadata']['name']}"
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            path = ".".join(str(part) for part in error.path)
            errors.append(f"{where}: {path}: {error.message}")
        except kubernetes_validate.SchemaNotFoundError as error:
            errors.append(f"{where}: {error.message}")
    return errors


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_validates_against_the_kubernetes_schemas(overlay: str) -> None:
    docs = built(overlay)
    assert docs
    assert schema_errors(docs) == []


def test_the_schema_check_refuses_unknown_fields_and_kinds() -> None:
    deployment = copy.deepcopy(named("Deployment", "catalog", built("dev")))
    deployment["spec"]["template"]["spec"]["containers"][0]["livenessprobe"] = {}
    unknown = {"apiVersion": "v1", "kind": "Gadget", "metadata": {"name": "x"}}

    errors = schema_errors([deployment, unknown])

    assert any("livenessprobe" in error for error in errors), errors
    assert any(error.startswith("Gadget/x") for error in errors), errors


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_runs_what_the_registry_and_the_code_define(overlay: str) -> None:
    problems = k8s_problems(list(built(overlay)), Expected.from_code(), components=overlay == "dev")
    assert problems == []


def test_the_k8s_check_notices_an_extra_a_missing_and_a_wrongly_migrated_service() -> None:
    docs = copy.deepcopy(list(built("dev")))
    extra = copy.deepcopy(named("Deployment", "catalog", docs))
    extra["metadata"]["name"] = "reviews"
    docs.append(extra)
    docs.remove(named("Deployment", "shipping", docs))
    code = Expected.from_code()

    problems = k8s_problems(docs, code, components=True)
    lost = k8s_problems(
        list(built("dev")), Expected(code.services, code.migrating - {"catalog"}), components=True
    )

    assert "k8s names reviews, which the code does not have" in problems
    assert "k8s misses shipping, which the code has" in problems
    assert "k8s catalog migrates, but the code has no migrations for it" in lost
    assert "k8s processor: present" in k8s_problems(list(built("dev")), code, components=False)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_overlay_has_one_deployment_service_and_policy_graph_per_registry_entry(
    overlay: str,
) -> None:
    docs = list(built(overlay))
    for name in SUBGRAPHS:
        service = named("Service", name, docs)
        assert [(p["port"], p["targetPort"]) for p in service["spec"]["ports"]] == [(8000, "http")]
    check_policy_graph(docs)


def test_dev_points_payments_and_notifications_at_the_stand_ins() -> None:
    docs = list(built("dev"))
    secrets = {d["metadata"]["name"]: d for d in of_kind("Secret", docs)}
    variables = {
        name: env(named("Deployment", user, docs)["spec"]["template"]["spec"]["containers"][0])[
            name
        ]
        for user, name in (
            ("payments", "PAYMENTS_PROCESSOR_URL"),
            ("notifications", "MINISHOP_SMTP_URL"),
        )
    }
    for name, expected in stand_in_env().items():
        ref = variables[name]["valueFrom"]["secretKeyRef"]
        value = base64.b64decode(secrets[ref["name"]]["data"][ref["key"]]).decode()
        assert value == expected, name
    for component in COMPONENTS:
        service = named("Service", component.name, docs)
        assert {p["port"] for p in service["spec"]["ports"]} == set(component.ports)
        container = named("Deployment", component.name, docs)["spec"]["template"]["spec"][
            "containers"
        ][0]
        assert (component.app_factory or component.module) in container["command"]
        assert probe_path(container, "readinessProbe") == ("/health/ready", component.http_port)


def references(workload: Doc) -> Iterator[tuple[str, str]]:
    """(kind, name) of every ConfigMap and Secret a workload reads."""
    pod = workload["spec"]["template"]["spec"]
    for volume in pod.get("volumes", []):
        if "configMap" in volume:
            yield "ConfigMap", volume["configMap"]["name"]
        if "secret" in volume:
            yield "Secret", volume["secret"]["secretName"]
    for container in containers(workload):
        for item in container.get("envFrom", []):
            if "configMapRef" in item:
                yield "ConfigMap", item["configMapRef"]["name"]
            if "secretRef" in item:
                yield "Secret", item["secretRef"]["name"]
        for item in container.get("env", []):
            source = item.get("valueFrom", {})
            if "configMapKeyRef" in source:
                yield "ConfigMap", source["configMapKeyRef"]["name"]
            if "secretKeyRef" in source:
                yield "Secret", source["secretKeyRef"]["name"]


needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_builds_into_hardened_workloads_with_the_documented_policies(
    overlay: str,
) -> None:
    docs = list(built(overlay))
    for doc in docs:
        if doc["kind"] != "Namespace":
            assert doc["metadata"].get("namespace") == "minishop", doc["metadata"]["name"]
    for workload in workloads(docs):
        check_workload(workload)
    check_policy_graph(docs)
    (config,) = [
        d
        for d in of_kind("ConfigMap", docs)
        if d["metadata"]["name"].startswith("minishop-config-")
    ]
    assert config["data"]["MINISHOP_ENV"] == ("development" if overlay == "dev" else "production")
    router = named("Deployment", "router", docs)["spec"]["template"]["spec"]["containers"][0]
    licensed = env(router)["APOLLO_ROUTER_CONFIG_PATH"]["value"] == "/config/router.licensed.yaml"
    assert licensed == (overlay != "dev")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_referenced_config_and_secret_exists_or_is_documented(overlay: str) -> None:
    docs = list(built(overlay))
    present = {(d["kind"], d["metadata"]["name"]) for d in docs}
    external: set[tuple[str, str]] = set()
    if overlay != "dev":
        external = {
            ("Secret", d["metadata"]["name"])
            for d in yaml.safe_load_all(EXAMPLE_SECRETS.read_text())
        }
        external.add(("ConfigMap", "router-persisted-queries"))
        assert not of_kind("Secret", docs), f"{overlay} must not ship Secrets"
    for workload in workloads(docs):
        for reference in references(workload):
            assert reference in present | external, (
                f"{overlay}: {workload['metadata']['name']} reads {reference}"
            )
    for ingress in of_kind("Ingress", docs):
        for tls in ingress["spec"].get("tls", []):
            assert ("Secret", tls["secretName"]) in present | external


def test_dev_accounts_runs_alone_with_its_own_development_key() -> None:
    docs = list(built("dev"))
    accounts = named("Deployment", "accounts", docs)["spec"]["template"]["spec"]
    hpa = named("HorizontalPodAutoscaler", "accounts", docs)["spec"]

    assert "ACCOUNTS_JWT_PRIVATE_KEY_FILE" not in env(accounts["containers"][0])
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (1, 1)
    images = {c["image"] for w in workloads(docs) for c in containers(w)}
    assert "minishop:local" in images
