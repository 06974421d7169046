"""Every overlay, built: Kubernetes schemas, the registry and the code, references, policies."""

from __future__ import annotations

import base64
import copy

import pytest
import yaml

from shared.services import COMPONENTS
from tests.deploy import kustomize
from tests.deploy.contract import Expected, k8s_problems, stand_in_env
from tests.deploy.k8s_support import (
    EXAMPLE_SECRETS,
    OVERLAYS,
    SUBGRAPHS,
    built,
    check_workload,
    containers,
    env,
    kubectl_built,
    named,
    needs_kubectl,
    of_kind,
    probe_path,
    references,
    schema_errors,
    workloads,
)
from tests.deploy.network_policy import check_policy_graph


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_renderer_builds_what_kubectl_kustomize_builds(overlay: str) -> None:
    assert kustomize.canonical(list(built(overlay))) == kustomize.canonical(
        list(kubectl_built(overlay))
    )


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
