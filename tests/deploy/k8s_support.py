"""k8s/ as files and as built overlays: the helpers the k8s tests share."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from shared.services import COMPONENTS, SERVICES
from tests.deploy import kustomize

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


def probe_path(container: Doc, probe: str) -> tuple[str, int]:
    """(path, container port) of an HTTP probe, the port resolved by name."""
    get = container[probe]["httpGet"]
    ports = {port.get("name"): port["containerPort"] for port in container["ports"]}
    return get["path"], ports.get(get["port"], get["port"])


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


def secret_refs(container: Doc) -> set[str]:
    refs = {
        item["secretRef"]["name"] for item in container.get("envFrom", []) if "secretRef" in item
    }
    for item in container.get("env", []):
        if "secretKeyRef" in item.get("valueFrom", {}):
            refs.add(item["valueFrom"]["secretKeyRef"]["name"])
    return refs


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
