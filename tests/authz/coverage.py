"""Which schema coordinates the probes select, checked against the supergraph."""

from __future__ import annotations

from collections.abc import Iterable

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLSchema,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    build_ast_schema,
    get_named_type,
    parse,
    validate,
    visit,
)

from tests.authz.matrix import Probe
from tests.authz.schema_fields import required


class _Selected(Visitor):
    def __init__(self, info: TypeInfo) -> None:
        super().__init__()
        self.info = info
        self.found: set[str] = set()

    def enter_field(self, node: FieldNode, *_args: object) -> None:
        parent = self.info.get_parent_type()
        if parent is not None and not node.name.value.startswith("__"):
            self.found.add(f"{get_named_type(parent).name}.{node.name.value}")


def selected(schema: GraphQLSchema, document: str) -> set[str]:
    """`Type.field` for every field the document selects (invalid documents raise)."""
    parsed = parse(document)
    problems = validate(schema, parsed)
    if problems:
        raise ValueError(f"{document!r}: {problems[0].message}")
    info = TypeInfo(schema)
    collector = _Selected(info)
    visit(parsed, TypeInfoVisitor(info, collector))
    return collector.found


def uncovered(supergraph: DocumentNode, probes: Iterable[Probe]) -> set[str]:
    """Coordinates the matrix must decide that no probe selects."""
    schema = build_ast_schema(supergraph)
    covered: set[str] = set()
    for probe in probes:
        covered |= selected(schema, probe.document)
    return required(supergraph) - covered
