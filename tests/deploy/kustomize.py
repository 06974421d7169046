"""A small Kustomize renderer for the features k8s/ uses, so the overlays build without kubectl.

Supported, with Kustomize's semantics and order: `resources` (files and
folders), `components`, `configMapGenerator` / `secretGenerator` (`literals`,
`files`, `behavior: create|merge|replace`), `patches` (strategic merge by the
Kubernetes merge keys of the kinds used, or JSON 6902 ops add/replace/remove;
targets by kind, name, namespace and label selector), `namespace`, `labels`
(`pairs`, `includeTemplates`), `images`, and the content-hash suffix of
generated names with the references to them rewritten. Anything else is
refused loudly rather than ignored; where kubectl is installed, the tests
compare this renderer's output with `kubectl kustomize`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from tests.deploy.kustomize_patches import KustomizeError, json_patch, strategic_merge

Doc = dict[str, Any]

KNOWN_FIELDS = {
    "apiVersion",
    "kind",
    "namespace",
    "labels",
    "resources",
    "components",
    "configMapGenerator",
    "secretGenerator",
    "patches",
    "images",
}
GENERATOR_FIELDS = {"name", "behavior", "literals", "files", "type"}
TARGET_FIELDS = {"kind", "name", "namespace", "labelSelector"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume"}
TEMPLATED = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}
BASE64_LINE = 70
# Marks what a generator made, until the final build renames it with its hash.
GENERATED = "\0generated"


def build(folder: Path) -> list[Doc]:
    """What `kustomize build --load-restrictor LoadRestrictionsNone folder` prints."""
    docs = _build(folder.resolve(), [])
    _suffix_generated_names(docs)
    return docs


def _build(folder: Path, docs: list[Doc]) -> list[Doc]:
    document = yaml.safe_load((folder / "kustomization.yaml").read_text()) or {}
    unknown = set(document) - KNOWN_FIELDS
    if unknown:
        raise KustomizeError(f"{folder}: unsupported fields {sorted(unknown)}")
    is_component = document.get("kind") == "Component"
    docs = list(docs) if is_component else []
    for entry in document.get("resources", []):
        path = (folder / entry).resolve()
        docs += _build(path, []) if path.is_dir() else _load(path)
    for entry in document.get("components", []):
        docs = _build((folder / entry).resolve(), docs)
    for generator in document.get("configMapGenerator", []):
        _generate(docs, folder, generator, "ConfigMap")
    for generator in document.get("secretGenerator", []):
        _generate(docs, folder, generator, "Secret")
    for patch in document.get("patches", []):
        _patch(docs, folder, patch)
    if "namespace" in document:
        _set_namespace(docs, document["namespace"])
    for label in document.get("labels", []):
        _label(docs, label)
    for image in document.get("images", []):
        _set_image(docs, image)
    return docs


def _load(path: Path) -> list[Doc]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


# --- generators ------------------------------------------------------------------


def _generate(docs: list[Doc], folder: Path, generator: Doc, kind: str) -> None:
    unknown = set(generator) - GENERATOR_FIELDS
    if unknown:
        raise KustomizeError(f"{generator['name']}: unsupported generator fields {unknown}")
    values: dict[str, str] = {}
    for literal in generator.get("literals", []):
        key, _, value = literal.partition("=")
        values[key] = value
    for entry in generator.get("files", []):
        key, _, source = entry.rpartition("=")
        path = folder / source
        values[key or path.name] = path.read_text()
    behavior = generator.get("behavior", "create")
    existing = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == generator["name"]]
    if behavior == "create":
        if existing:
            raise KustomizeError(f"{kind} {generator['name']} already exists")
        doc: Doc = {"apiVersion": "v1", "kind": kind, "metadata": {"name": generator["name"]}}
        if kind == "Secret":
            doc["type"] = generator.get("type", "Opaque")
        doc["metadata"][GENERATED] = True
        docs.append(doc)
    elif behavior in ("merge", "replace"):
        if len(existing) != 1 or not existing[0]["metadata"].get(GENERATED):
            raise KustomizeError(f"{behavior}: no generated {kind} {generator['name']}")
        doc = existing[0]
        if behavior == "replace":
            doc.pop("data", None)
    else:
        raise KustomizeError(f"unknown generator behavior {behavior!r}")
    if kind == "Secret":
        values = {k: _base64(v) for k, v in values.items()}
    doc["data"] = {**doc.get("data", {}), **values}


def _base64(value: str) -> str:
    """Kustomize's encoding: lines of 70 characters, each ending in a newline once
    the value reaches 70 (Kubernetes' decoder skips newlines)."""
    encoded = base64.b64encode(value.encode()).decode()
    if len(encoded) < BASE64_LINE:
        return encoded
    return "".join(f"{encoded[i : i + BASE64_LINE]}\n" for i in range(0, len(encoded), BASE64_LINE))


def _content_hash(doc: Doc) -> str:
    """Kustomize's suffix: sha256 of Go's sorted, HTML-escaped JSON of kind, data (and a
    Secret's type), first 10 hex digits with 0 1 3 a e swapped for letters. Kustomize
    hashes with an empty name (checked against kubectl's output in the tests)."""
    fields: Doc = {"kind": doc["kind"], "name": "", "data": doc["data"]}
    if doc["kind"] == "Secret":
        fields["type"] = doc["type"]
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    digest = hashlib.sha256(text.encode()).hexdigest()[:10]
    return digest.translate(str.maketrans("013ae", "ghkmt"))


def _suffix_generated_names(docs: list[Doc]) -> None:
    renamed: dict[tuple[str, str], str] = {}
    for doc in docs:
        if doc["metadata"].pop(GENERATED, False):
            name = doc["metadata"]["name"]
            doc["metadata"]["name"] = f"{name}-{_content_hash(doc)}"
            renamed[(doc["kind"], name)] = doc["metadata"]["name"]
    for doc in docs:
        for kind, holder, key in _name_references(doc):
            holder[key] = renamed.get((kind, holder[key]), holder[key])


def _name_references(doc: Doc) -> Iterator[tuple[str, Doc, str]]:
    """(kind, mapping, key) of every ConfigMap or Secret name a document refers to."""
    if doc["kind"] == "Ingress":
        for tls in doc.get("spec", {}).get("tls", []):
            if "secretName" in tls:
                yield "Secret", tls, "secretName"
    pod = _pod_spec(doc)
    if pod is None:
        return
    for volume in pod.get("volumes", []):
        if "configMap" in volume:
            yield "ConfigMap", volume["configMap"], "name"
        if "secret" in volume:
            yield "Secret", volume["secret"], "secretName"
        for source in volume.get("projected", {}).get("sources", []):
            for kind, key in (("ConfigMap", "configMap"), ("Secret", "secret")):
                if key in source:
                    yield kind, source[key], "name"
    for secret in pod.get("imagePullSecrets", []):
        yield "Secret", secret, "name"
    for container in _containers(pod):
        for item in container.get("envFrom", []):
            for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                if key in item:
                    yield kind, item[key], "name"
        for item in container.get("env", []):
            source = item.get("valueFrom", {})
            for kind, key in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
                if key in source:
                    yield kind, source[key], "name"


def _pod_spec(doc: Doc) -> Doc | None:
    if doc["kind"] in TEMPLATED:
        spec: Doc = doc["spec"]["template"]["spec"]
        return spec
    return None


def _containers(pod: Doc) -> list[Doc]:
    return [*pod.get("initContainers", []), *pod.get("containers", [])]


# --- patches ---------------------------------------------------------------------


def _patch(docs: list[Doc], folder: Path, patch: Doc) -> None:
    if set(patch) - {"path", "patch", "target"}:
        raise KustomizeError(f"unsupported patch fields {sorted(patch)}")
    text = (folder / patch["path"]).read_text() if "path" in patch else patch["patch"]
    bodies = [body for body in yaml.safe_load_all(text) if body]
    target = patch.get("target")
    if target is None:
        for body in bodies:
            if not isinstance(body, dict):
                raise KustomizeError("a JSON 6902 patch needs a target")
            (doc,) = _matching(docs, _own_target(body), required=True)
            _replace(docs, doc, strategic_merge(doc, body))
        return
    if set(target) - TARGET_FIELDS:
        raise KustomizeError(f"unsupported patch target fields {sorted(target)}")
    matched = _matching(docs, target, required=True)
    for doc in matched:
        patched = doc
        for body in bodies:
            if isinstance(body, list):
                patched = json_patch(patched, body)
            else:
                patched = strategic_merge(patched, body)
        _replace(docs, doc, patched)


def _own_target(body: Doc) -> Doc:
    target = {"kind": body["kind"], "name": re.escape(body["metadata"]["name"])}
    if "namespace" in body["metadata"]:
        target["namespace"] = body["metadata"]["namespace"]
    return target


def _matching(docs: list[Doc], target: Doc, *, required: bool) -> list[Doc]:
    def matches(doc: Doc) -> bool:
        meta = doc["metadata"]
        if "kind" in target and doc["kind"] != target["kind"]:
            return False
        if "name" in target and not re.fullmatch(target["name"], meta["name"]):
            return False
        if "namespace" in target and meta.get("namespace") != target["namespace"]:
            return False
        return "labelSelector" not in target or _labels_match(
            target["labelSelector"], meta.get("labels", {})
        )

    found = [doc for doc in docs if matches(doc)]
    if required and not found:
        raise KustomizeError(f"patch target {target} matches nothing")
    return found


def _labels_match(selector: str, labels: dict[str, str]) -> bool:
    for term in selector.split(","):
        if not re.fullmatch(r"\s*[\w./-]+\s*==?\s*[\w.-]*\s*", term):
            raise KustomizeError(f"unsupported label selector {selector!r}")
        key, value = (part.strip() for part in term.replace("==", "=").split("="))
        if labels.get(key) != value:
            return False
    return True


def _replace(docs: list[Doc], old: Doc, new: Doc) -> None:
    docs[next(i for i, doc in enumerate(docs) if doc is old)] = new


# --- transformers ----------------------------------------------------------------


def _set_namespace(docs: list[Doc], namespace: str) -> None:
    for doc in docs:
        if doc["kind"] == "Namespace":
            doc["metadata"]["name"] = namespace
        elif doc["kind"] not in CLUSTER_SCOPED:
            doc["metadata"]["namespace"] = namespace


def _label(docs: list[Doc], label: Doc) -> None:
    if set(label) - {"pairs", "includeTemplates"}:
        raise KustomizeError(f"unsupported labels fields {sorted(label)}")
    pairs = label["pairs"]
    for doc in docs:
        doc["metadata"]["labels"] = {**doc["metadata"].get("labels", {}), **pairs}
        if label.get("includeTemplates") and doc["kind"] in TEMPLATED:
            meta = doc["spec"]["template"].setdefault("metadata", {})
            meta["labels"] = {**meta.get("labels", {}), **pairs}


def _set_image(docs: list[Doc], image: Doc) -> None:
    if set(image) - {"name", "newName", "newTag"}:
        raise KustomizeError(f"unsupported images fields {sorted(image)}")
    for container in _all_containers(docs):
        name, _, tag = container["image"].rpartition(":")
        if "/" in tag or not name:
            name, tag = container["image"], ""
        if name == image["name"]:
            name = image.get("newName", name)
            tag = image.get("newTag", tag)
            container["image"] = f"{name}:{tag}" if tag else name


def _all_containers(docs: list[Doc]) -> Iterator[Doc]:
    for doc in docs:
        pod = _pod_spec(doc)
        if pod is not None:
            yield from _containers(pod)


def canonical(docs: list[Doc]) -> list[str]:
    """Documents as sorted canonical JSON: two builds compare equal whatever their order."""
    return sorted(json.dumps(doc, sort_keys=True) for doc in docs)
