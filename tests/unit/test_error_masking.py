"""Unexpected errors are masked (and logged with their traceback); the caller's own
errors reach the client with their code."""

from __future__ import annotations

import logging

import pytest
import strawberry

from shared.graphql.errors import forbidden
from shared.graphql.schema import build_schema


@strawberry.type
class _Query:
    @strawberry.field
    def broken(self) -> str:
        raise RuntimeError("password=hunter2 at db.internal:5432")

    @strawberry.field
    def refused(self) -> str:
        raise forbidden("Not yours.")

    @strawberry.field
    def echo(self, n: int) -> int:
        return n


SCHEMA = build_schema(query=_Query)


class _Context:
    principal = None
    auth_error = None
    service_name = "test"


async def test_an_unexpected_error_is_masked_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="minishop.graphql"):
        result = await SCHEMA.execute("{ broken }", context_value=_Context())
    (error,) = result.errors or []
    assert error.message == "Internal server error."
    assert error.extensions == {"code": "INTERNAL_SERVER_ERROR"}
    assert "hunter2" not in str(error.formatted)
    (record,) = [r for r in caplog.records if r.name == "minishop.graphql"]
    assert record.exc_info is not None and "hunter2" in str(record.exc_info[1])


async def test_the_callers_errors_keep_their_code_and_lose_quoted_values() -> None:
    refused = await SCHEMA.execute("{ refused }", context_value=_Context())
    assert [(e.message, e.extensions) for e in refused.errors or []] == [
        ("Not yours.", {"code": "FORBIDDEN"})
    ]
    bad = await SCHEMA.execute(
        "query Q($n: Int!) { echo(n: $n) }",
        variable_values={"n": "s3cret"},
        context_value=_Context(),
    )
    (error,) = bad.errors or []
    assert error.extensions == {"code": "BAD_USER_INPUT"}
    assert "s3cret" not in error.message
