"""The clients' named operations (schema/operations/) and their persisted-query manifest.

Each `.graphql` file under schema/operations/ holds one named operation or
some fragments. The manifest (schema/persisted-query-manifest.json, Apollo's
`apollo-persisted-query-manifest` format) lists every operation with the
fragments it uses, written exactly as `@apollo/generate-persisted-query-manifest`
writes it: `__typename` added to every selection set below the root (as Apollo
Client's cache does), the operation first and then its fragments by name, and
the id the SHA-256 of that text. Both gateways read it: Hive Gateway serves its
operations by id, Apollo Router uses it as its safelist.

    minishop operations           # write the manifest
    minishop operations --check   # fail if the committed one is out of date
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    build_schema,
    parse,
    print_ast,
    validate,
    visit,
)
from graphql.language import Visitor

REPO_ROOT = Path(__file__).resolve().parents[1]
OPERATIONS_DIR = REPO_ROOT / "schema" / "operations"
MANIFEST_PATH = REPO_ROOT / "schema" / "persisted-query-manifest.json"
SUPERGRAPH_PATH = REPO_ROOT / "schema" / "supergraph.graphql"
MANIFEST_FORMAT = "apollo-persisted-query-manifest"


class OperationsError(ValueError):
    """The operation documents break a rule of the manifest (one named operation a file, …)."""


@dataclass(frozen=True, slots=True)
class Operation:
    """One named operation with the fragments it uses, as the manifest holds it."""

    name: str
    type: str
    body: str
    # The file it was written in, relative to OPERATIONS_DIR (for error messages).
    source: str
    # The operation as written, followed by the fragments it uses (for GraphiQL, the apps).
    document: str

    @property
    def id(self) -> str:
        return hashlib.sha256(self.body.encode()).hexdigest()

    def entry(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "type": self.type, "body": self.body}


@dataclass(frozen=True, slots=True)
class _Source:
    path: str
    operation: OperationDefinitionNode | None
    fragments: tuple[FragmentDefinitionNode, ...]


def _sources(directory: Path) -> list[_Source]:
    sources = []
    for path in sorted(directory.rglob("*.graphql")):
        relative = path.relative_to(directory).as_posix()
        try:
            document = parse(path.read_text(encoding="utf-8"))
        except GraphQLError as error:
            raise OperationsError(f"{relative}: {error.message}") from error
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        fragments = tuple(d for d in document.definitions if isinstance(d, FragmentDefinitionNode))
        if len(operations) > 1:
            raise OperationsError(f"{relative}: one operation a file, found {len(operations)}")
        if len(operations) + len(fragments) != len(document.definitions):
            raise OperationsError(f"{relative}: only operations and fragments belong here")
        operation = operations[0] if operations else None
        if operation is not None and operation.name is None:
            raise OperationsError(f"{relative}: every operation needs a name")
        sources.append(_Source(relative, operation, fragments))
    return sources


def _spreads(node: Any) -> set[str]:
    names: set[str] = set()

    class Spreads(Visitor):
        def enter_fragment_spread(self, spread: FragmentSpreadNode, *_: Any) -> None:
            names.add(spread.name.value)

    visit(node, Spreads())
    return names


def _used_fragments(
    operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode], path: str
) -> list[FragmentDefinitionNode]:
    """The fragments `operation` spreads, directly or through other fragments, by name."""
    seen: dict[str, FragmentDefinitionNode] = {}
    pending = sorted(_spreads(operation))
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        fragment = fragments.get(name)
        if fragment is None:
            raise OperationsError(f"{path}: unknown fragment {name}")
        seen[name] = fragment
        pending.extend(sorted(_spreads(fragment) - seen.keys()))
    return [seen[name] for name in sorted(seen)]


_TYPENAME = FieldNode(name=NameNode(value="__typename"), arguments=(), directives=())


class _AddTypename(Visitor):
    """Apollo Client's `addTypenameToDocument`: `__typename` last in every selection
    set below the root, unless the set already selects a `__…` field."""

    def enter_selection_set(
        self, node: SelectionSetNode, _key: Any, parent: Any, *_: Any
    ) -> SelectionSetNode | None:
        if isinstance(parent, OperationDefinitionNode):
            return None
        if any(isinstance(s, FieldNode) and s.name.value.startswith("__") for s in node.selections):
            return None
        if isinstance(parent, FieldNode) and any(
            d.name.value == "export" for d in parent.directives or ()
        ):
            return None
        return SelectionSetNode(selections=(*node.selections, _TYPENAME))


def _body(operation: OperationDefinitionNode, fragments: Sequence[FragmentDefinitionNode]) -> str:
    # Apollo's sortTopLevelDefinitions: by kind, descending ("OperationDefinition"
    # before "FragmentDefinition"), then by name.
    document = visit(DocumentNode(definitions=(operation, *fragments)), _AddTypename())
    return print_ast(document)


def load_operations(directory: Path = OPERATIONS_DIR) -> list[Operation]:
    """Every operation under `directory`, sorted by name."""
    sources = _sources(directory)
    fragments: dict[str, FragmentDefinitionNode] = {}
    for source in sources:
        for fragment in source.fragments:
            name = fragment.name.value
            if name in fragments:
                raise OperationsError(f"{source.path}: fragment {name} is defined twice")
            fragments[name] = fragment
    operations: dict[str, Operation] = {}
    for source in sources:
        node = source.operation
        if node is None:
            continue
        assert node.name is not None  # checked in _sources
        name = node.name.value
        if name in operations:
            raise OperationsError(
                f"{source.path}: operation {name} is also in {operations[name].source}"
            )
        used = _used_fragments(node, fragments, source.path)
        operations[name] = Operation(
            name=name,
            type=node.operation.value,
            body=_body(node, used),
            source=source.path,
            document="\n\n".join(print_ast(d) for d in (node, *used)) + "\n",
        )
    return [operations[name] for name in sorted(operations)]


def manifest(operations: Iterable[Operation]) -> dict[str, Any]:
    return {
        "format": MANIFEST_FORMAT,
        "version": 1,
        "operations": [operation.entry() for operation in operations],
    }


def manifest_text(operations: Iterable[Operation]) -> str:
    return json.dumps(manifest(operations), indent=2, ensure_ascii=False) + "\n"


@cache
def manifest_ids(path: Path = MANIFEST_PATH) -> frozenset[str]:
    """The operation ids of a manifest file (read once per process)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != MANIFEST_FORMAT or data.get("version") != 1:
        raise OperationsError(f"{path} is not an {MANIFEST_FORMAT} version 1")
    return frozenset(str(entry["id"]) for entry in data["operations"])


def supergraph_schema(path: Path = SUPERGRAPH_PATH) -> GraphQLSchema:
    return build_schema(path.read_text(encoding="utf-8"))


def validation_errors(schema: GraphQLSchema, operation: Operation) -> list[str]:
    """What is wrong with `operation` against `schema` (empty when it is valid)."""
    return [error.message for error in validate(schema, parse(operation.document))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="minishop operations", description="Build schema/persisted-query-manifest.json."
    )
    parser.add_argument(
        "--check", action="store_true", help="fail if the committed manifest is out of date"
    )
    args = parser.parse_args(argv)
    try:
        operations = load_operations()
    except OperationsError as error:
        print(f"minishop: error: {error}", file=sys.stderr)
        return 1
    text = manifest_text(operations)
    current = MANIFEST_PATH.read_text(encoding="utf-8") if MANIFEST_PATH.exists() else None
    relative = MANIFEST_PATH.relative_to(REPO_ROOT)
    if args.check:
        if current != text:
            print(
                f"minishop: {relative} is out of date: run `minishop operations`", file=sys.stderr
            )
            return 1
        print(f"minishop: {relative} is up to date")
        return 0
    if current != text:
        MANIFEST_PATH.write_text(text, encoding="utf-8")
    print(f"minishop: wrote {relative} ({len(operations)} operations)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
