"""Operation metrics: labelled by service and operation name, never more series than the cap."""

from __future__ import annotations

import uuid
from pathlib import Path

import strawberry
from prometheus_client import REGISTRY

from shared.graphql import extensions
from shared.graphql.extensions import (
    MAX_OPERATION_LABELS,
    OTHER_OPERATION,
    OperationLabels,
    declared_operations,
)
from shared.graphql.schema import build_schema


@strawberry.type
class _Query:
    @strawberry.field
    def ping(self) -> str:
        return "pong"


SCHEMA = build_schema(query=_Query)


class _Context:
    principal = None
    auth_error = None

    def __init__(self, service: str) -> None:
        self.service_name = service


def _operations(service: str) -> set[str]:
    return {
        sample.labels["operation"]
        for metric in REGISTRY.collect()
        if metric.name == "minishop_graphql_operation_seconds"
        for sample in metric.samples
        if sample.labels.get("service") == service
    }


def test_ten_thousand_random_names_map_to_at_most_cap_plus_one_labels() -> None:
    labels = OperationLabels()
    seen = {labels.label(f"Op{uuid.uuid4().hex}") for _ in range(10_000)}
    assert len(seen) == MAX_OPERATION_LABELS + 1
    assert OTHER_OPERATION in seen


async def test_random_operation_names_through_the_schema_make_bounded_series() -> None:
    # Given a small cap, so a few hundred operations pass it
    cap = 20
    extensions.OPERATION_LABELS = OperationLabels(cap=cap)
    service = f"metrics-{uuid.uuid4().hex[:6]}"
    try:
        for _ in range(300):
            query = f"query Op{uuid.uuid4().hex} {{ ping }}"
            result = await SCHEMA.execute(query, context_value=_Context(service))
            assert result.errors is None
    finally:
        extensions.OPERATION_LABELS = OperationLabels(declared_operations())
    names = _operations(service)
    assert len(names) == cap + 1 and OTHER_OPERATION in names


async def test_operations_keep_their_name_and_the_service_label() -> None:
    service = f"metrics-{uuid.uuid4().hex[:6]}"
    await SCHEMA.execute("query Storefront { ping }", context_value=_Context(service))
    await SCHEMA.execute("{ ping }", context_value=_Context(service))
    assert _operations(service) == {"Storefront", "anonymous"}


def test_declared_operations_always_keep_their_name(tmp_path: Path) -> None:
    (tmp_path / "storefront.graphql").write_text(
        "query ProductPage($slug: String) { product(slug: $slug) { id } }\n"
        "mutation AddToCart { addToCart { cart { id } } }\n"
    )
    labels = OperationLabels(declared_operations(tmp_path), cap=0)
    assert labels.label("ProductPage") == "ProductPage"
    assert labels.label("AddToCart") == "AddToCart"
    assert labels.label("Unknown") == OTHER_OPERATION
    assert labels.label("not a name!") == OTHER_OPERATION
