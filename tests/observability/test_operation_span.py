"""The GraphQL operation span: one per operation, named by it, errors marked."""

from __future__ import annotations

import strawberry
from opentelemetry.trace import StatusCode

from shared.graphql.tracing import OperationTracing
from tests.observability.conftest import Spans


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hi"

    @strawberry.field
    def broken(self) -> str:
        raise ValueError("no")


SCHEMA = strawberry.Schema(query=Query, extensions=[OperationTracing])


async def test_an_operation_is_one_span_named_by_its_type_and_name(spans: Spans) -> None:
    result = await SCHEMA.execute("query Greeting { hello a: hello b: hello }")

    assert result.errors is None
    (span,) = spans.all()
    assert span.name == "query Greeting"
    assert span.attributes == {
        "graphql.operation.name": "Greeting",
        "graphql.operation.type": "query",
    }
    assert span.status.status_code is StatusCode.UNSET


async def test_an_operation_with_errors_is_marked_failed(spans: Spans) -> None:
    await SCHEMA.execute("{ broken }")

    (span,) = spans.all()
    assert span.name == "query anonymous"
    assert span.status.status_code is StatusCode.ERROR


async def test_without_tracing_the_extension_leaves_the_answer_alone() -> None:
    result = await SCHEMA.execute("query Greeting { hello }")

    assert result.data == {"hello": "hi"}
