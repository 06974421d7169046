"""The gateway's cost estimate counts a list without @listSize once: every list
of objects in the supergraph, and every page, says how big it gets."""

from __future__ import annotations

from graphql import (
    DocumentNode,
    FieldDefinitionNode,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    TypeNode,
    parse,
    print_ast,
)

from shared.schema_pipeline import REPO_ROOT, SCHEMA_DIR, SUPERGRAPH_FILE

# Mutation payloads' lists: as long as the input that was refused, never more.
UNSIZED = {"userErrors"}
# A page's lists, sized by the field that returns the page (`sizedFields`).
PAGE_LISTS = {"edges", "nodes"}


def _named(type_node: TypeNode) -> tuple[str, bool]:
    """The named type under `type_node` and whether a list wraps it."""
    listed = False
    while not isinstance(type_node, NamedTypeNode):
        listed = listed or isinstance(type_node, ListTypeNode)
        assert isinstance(type_node, NonNullTypeNode | ListTypeNode)
        type_node = type_node.type
    return type_node.name.value, listed


def _fields(document: DocumentNode) -> list[tuple[str, FieldDefinitionNode]]:
    return [
        (definition.name.value, field)
        for definition in document.definitions
        if isinstance(definition, ObjectTypeDefinitionNode | ObjectTypeExtensionNode)
        for field in definition.fields or ()
    ]


def _list_size(field: FieldDefinitionNode) -> dict[str, str] | None:
    for directive in field.directives or ():
        if directive.name.value == "listSize":
            return {arg.name.value: print_ast(arg.value) for arg in directive.arguments}
    return None


def unsized(document: DocumentNode) -> list[str]:
    """Lists of objects without @listSize, and pages not sized by `first`."""
    objects = {
        definition.name.value
        for definition in document.definitions
        if isinstance(definition, ObjectTypeDefinitionNode)
    }
    found = []
    for owner, field in _fields(document):
        if owner.endswith("Connection") and field.name.value in PAGE_LISTS:
            continue
        named, listed = _named(field.type)
        size = _list_size(field)
        if named.endswith("Connection"):
            if size is None or size.get("slicingArguments") != '["first"]':
                found.append(f"{owner}.{field.name.value}")
        elif listed and named in objects and field.name.value not in UNSIZED and size is None:
            found.append(f"{owner}.{field.name.value}")
    return found


def test_every_list_of_objects_and_every_page_declares_its_size() -> None:
    supergraph = REPO_ROOT / SCHEMA_DIR / SUPERGRAPH_FILE
    assert unsized(parse(supergraph.read_text())) == []


def test_the_check_spots_lists_and_pages_without_a_size() -> None:
    document = parse(
        """
        type Query {
          shelves: [Shelf!]!
          sized: [Shelf!]! @listSize(assumedSize: 5)
          books(first: Int): BookConnection!
          paged(first: Int): BookConnection! @listSize(slicingArguments: ["first"])
          tags: [String!]!
        }
        type Shelf { id: ID! }
        type BookConnection { total: Int! }
        """
    )

    assert unsized(document) == ["Query.shelves", "Query.books"]
