"""The two patch kinds Kustomize applies: strategic merge and RFC 6902 JSON patches."""

from __future__ import annotations

import copy
from typing import Any

Doc = dict[str, Any]

# Strategic-merge keys of the lists that the patched kinds hold (Kubernetes'
# `patchMergeKey`); any other list is replaced whole, as Kubernetes does.
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "imagePullSecrets": "name",
}


class KustomizeError(ValueError):
    """The tree uses something this renderer does not support, or is inconsistent."""


def strategic_merge(original: Doc, patch: Doc) -> Doc:
    """A strategic merge patch: maps merge, keyed lists merge by their key, others replace."""
    merged = _merge_map(copy.deepcopy(original), patch)
    assert merged is not None
    return merged


def _merge_map(original: Doc, patch: Doc) -> Doc | None:
    directive = patch.get("$patch")
    if directive == "delete":
        return None
    if directive == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if k != "$patch"}
    for key, value in patch.items():
        if key == "$patch":
            if directive != "merge":
                raise KustomizeError(f"unsupported $patch: {directive}")
        elif key.startswith("$"):
            raise KustomizeError(f"unsupported patch directive {key}")
        elif value is None:
            original.pop(key, None)
        elif isinstance(value, dict) and isinstance(original.get(key), dict):
            result = _merge_map(original[key], value)
            if result is None:
                original.pop(key)
            else:
                original[key] = result
        elif isinstance(value, list) and key in MERGE_KEYS and isinstance(original.get(key), list):
            original[key] = _merge_list(original[key], value, MERGE_KEYS[key])
        else:
            original[key] = _without_directives(copy.deepcopy(value))
    return original


def _merge_list(original: list[Doc], patch: list[Doc], key: str) -> list[Doc]:
    """Kubernetes' order: the patch's elements in its order, each new one right after
    its predecessor, interleaved with the untouched originals by their old positions."""
    position = {entry[key]: i for i, entry in enumerate(original)}
    patched = {item[key] for item in patch}
    from_patch: list[Doc] = []
    for item in patch:
        if item.get("$patch") == "delete" and set(item) == {key, "$patch"}:
            continue
        if item[key] in position:
            result = _merge_map(original[position[item[key]]], item)
            if result is not None:
                from_patch.append(result)
        else:
            from_patch.append(_without_directives(copy.deepcopy(item)))
    untouched = [entry for entry in original if entry[key] not in patched]
    merged: list[Doc] = []
    while from_patch and untouched:
        head = from_patch[0]
        if head[key] not in position or position[head[key]] < position[untouched[0][key]]:
            merged.append(from_patch.pop(0))
        else:
            merged.append(untouched.pop(0))
    return [*merged, *from_patch, *untouched]


def _without_directives(value: Any) -> Any:
    if isinstance(value, dict):
        if any(str(k).startswith("$") for k in value):
            raise KustomizeError(f"a patch directive where nothing is merged: {value}")
        return {k: _without_directives(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_directives(v) for v in value]
    return value


def json_patch(original: Doc, operations: list[Doc]) -> Doc:
    """RFC 6902 `add`, `replace` and `remove`."""
    doc = copy.deepcopy(original)
    for operation in operations:
        op, path = operation["op"], operation["path"]
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in path.split("/")[1:]]
        parent: Any = doc
        for token in tokens[:-1]:
            parent = parent[int(token)] if isinstance(parent, list) else parent[token]
        last = tokens[-1]
        value = copy.deepcopy(operation.get("value"))
        if isinstance(parent, list):
            if op == "add":
                parent.insert(len(parent) if last == "-" else int(last), value)
            elif op == "replace":
                parent[int(last)] = value
            elif op == "remove":
                del parent[int(last)]
            else:
                raise KustomizeError(f"unsupported JSON patch op {op}")
        elif op in ("add", "replace"):
            if op == "replace" and last not in parent:
                raise KustomizeError(f"replace: {path} does not exist")
            parent[last] = value
        elif op == "remove":
            del parent[last]
        else:
            raise KustomizeError(f"unsupported JSON patch op {op}")
    return doc
