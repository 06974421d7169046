"""The platform's schema extensions: depth limit, caches that really hit, quiet errors."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import strawberry.schema.schema as strawberry_schema

from shared.graphql.errors import without_variable_values
from subgraphs.catalog.graphql.schema import schema


class _Context:
    principal = None
    auth_error = None
    service_name = "catalog"


def _nested_categories(depth: int) -> str:
    selection = "id"
    for _ in range(depth - 1):
        selection = f"children {{ {selection} }}"
    return f"query Deep {{ categories {{ {selection} }} }}"


async def test_queries_deeper_than_the_limit_are_refused() -> None:
    result = await schema.execute(_nested_categories(16), context_value=_Context())
    assert result.errors and "exceeds maximum operation depth" in result.errors[0].message


async def test_repeated_operations_are_validated_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    original = strawberry_schema.validate_document

    def counting(*args: Any) -> Any:
        calls.append(1)
        return original(*args)

    # The cache wrapped the original on first use; count what reaches graphql-core.
    monkeypatch.setattr(strawberry_schema, "validate_document", counting)
    query = 'query One { product(id: "nope") { id name } }'
    from strawberry.extensions import validation_cache

    validation_cache._get_validate_cache.cache_clear()
    for _ in range(5):
        result = await schema.execute(query, context_value=_Context())
        assert result.errors is None
    assert len(calls) == 1


async def test_the_callers_mistakes_are_not_logged_as_server_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG):
        result = await schema.execute(
            "query { products(first: 500) { totalCount } }", context_value=_Context()
        )
    assert [e.extensions["code"] for e in result.errors or []] == ["BAD_USER_INPUT"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_malformed_variable_is_bad_user_input_and_not_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    query = "query F($min: Decimal) { products(filter: {minPrice: $min}) { totalCount } }"
    with caplog.at_level(logging.DEBUG):
        result = await schema.execute(
            query, variable_values={"min": "not-a-number"}, context_value=_Context()
        )
    assert [e.extensions["code"] for e in result.errors or []] == ["BAD_USER_INPUT"]
    assert not [r for r in caplog.records if "not-a-number" in r.getMessage()]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "Variable '$input' has invalid value: Expected value of type 'RegisterInput' to "
            "include required field 'name', found: {'password': 'hunter22'}.",
            "Variable '$input' has invalid value: Expected value of type 'RegisterInput' to "
            "include required field 'name'.",
        ),
        (
            "Variable '$input' has invalid value at 'password': String cannot represent a "
            "non string value: {'secret': 1}",
            "Variable '$input' has invalid value at 'password': String cannot represent a "
            "non string value.",
        ),
        ("Cannot query field 'x' on type 'Query'.", "Cannot query field 'x' on type 'Query'."),
    ],
)
def test_variable_values_are_dropped_from_messages(message: str, expected: str) -> None:
    assert without_variable_values(message) == expected
