"""The clients' operations (schema/operations/) and the committed persisted-query manifest.

Given the `.graphql` documents, when the manifest is built, then it is the one
committed, it is what Apollo's own generator makes of the same files, and
every operation is valid against the supergraph.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
from graphql import GraphQLSchema

from shared import operations
from shared.operations import (
    MANIFEST_PATH,
    OperationsError,
    load_operations,
    manifest,
    manifest_text,
    supergraph_schema,
    validation_errors,
)
from shared.schema_pipeline import REPO_ROOT, ensure_router_node_modules

APOLLO_GENERATOR = REPO_ROOT / "router" / "persisted-query-manifest.mjs"
# One of each client, so the folders cannot quietly empty.
EXPECTED_SOME = {"Products", "Checkout", "AdminOrders", "CreateApiClient", "PartnerProducts"}

OPERATIONS = load_operations()


def test_committed_manifest_is_up_to_date() -> None:
    assert MANIFEST_PATH.read_text(encoding="utf-8") == manifest_text(OPERATIONS), (
        "schema/persisted-query-manifest.json is out of date: run `minishop operations`"
    )


def test_manifest_is_what_apollo_generate_persisted_query_manifest_makes() -> None:
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed")
    ensure_router_node_modules(REPO_ROOT)

    completed = subprocess.run(
        [shutil.which("node") or "node", str(APOLLO_GENERATOR)],
        cwd=APOLLO_GENERATOR.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == manifest(OPERATIONS)


def test_every_id_is_the_sha256_of_its_body_and_names_are_unique() -> None:
    entries = manifest(OPERATIONS)["operations"]

    assert {entry["name"] for entry in entries} >= EXPECTED_SOME
    assert len({entry["name"] for entry in entries}) == len(entries)
    for entry in entries:
        assert entry["id"] == hashlib.sha256(entry["body"].encode()).hexdigest()
        assert entry["type"] in {"query", "mutation"}


@pytest.mark.parametrize("operation", OPERATIONS, ids=[f"{o.source}:{o.name}" for o in OPERATIONS])
def test_operation_is_valid_against_the_supergraph(operation: operations.Operation) -> None:
    errors = validation_errors(_supergraph(), operation)

    assert errors == [], f"{operation.source} ({operation.name}) is invalid: {errors}"


@cache
def _supergraph() -> GraphQLSchema:
    return supergraph_schema()


# --- the rules the documents follow ------------------------------------------------


def _folder(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"a.graphql": "query A { me { id } }\nquery B { me { id } }"}, "one operation a file"),
        ({"a.graphql": "{ me { id } }"}, "needs a name"),
        ({"a.graphql": "query A { me { ...Missing } }"}, "unknown fragment Missing"),
        (
            {"a.graphql": "fragment F on User { id }", "b.graphql": "fragment F on User { id }"},
            "fragment F is defined twice",
        ),
        (
            {"a.graphql": "query A { me { id } }", "x/b.graphql": "query A { me { name } }"},
            "operation A is also in a.graphql",
        ),
        ({"a.graphql": "type T { id: ID }"}, "only operations and fragments"),
        ({"a.graphql": "query A {"}, "a.graphql: Syntax Error"),
    ],
)
def test_documents_breaking_a_rule_are_refused(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    with pytest.raises(OperationsError, match=message):
        load_operations(_folder(tmp_path, files))


def test_body_holds_the_fragments_used_even_through_other_fragments(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        {
            "f.graphql": "fragment B on User { id ...C }\nfragment C on User { name }\n"
            "fragment Unused on User { email }",
            "q.graphql": "query Q { me { ...B addresses { __typename id } } }",
        },
    )

    [operation] = load_operations(folder)

    assert operation.body == (
        "query Q {\n  me {\n    ...B\n    addresses {\n      __typename\n      id\n    }\n"
        "    __typename\n  }\n}\n\n"
        "fragment B on User {\n  id\n  ...C\n  __typename\n}\n\n"
        "fragment C on User {\n  name\n  __typename\n}"
    )
    assert "Unused" not in operation.document


def test_check_fails_when_the_manifest_drifts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "persisted-query-manifest.json"
    stale.write_text('{"format": "apollo-persisted-query-manifest", "version": 1}\n')
    monkeypatch.setattr(operations, "MANIFEST_PATH", stale)
    monkeypatch.setattr(operations, "REPO_ROOT", tmp_path)

    assert operations.main(["--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    assert operations.main([]) == 0
    assert operations.main(["--check"]) == 0
    assert stale.read_text() == manifest_text(OPERATIONS)
