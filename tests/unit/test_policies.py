"""The subgraphs' own walls (shared/graphql/policies.py), on a toy schema.

Given a schema with the policies on, when a partner runs a document the gateway
did not sign, or any caller sends too many aliases or too big a literal page,
then the operation fails before a resolver runs; everything else runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
import strawberry
from starlette.requests import Request
from strawberry.extensions import AddValidationRules, ValidationCache

from shared import net
from shared.auth.principal import Principal
from shared.graphql.policies import (
    MAX_ALIASES,
    PARTNER_MESSAGE,
    MaxAliasesRule,
    PageSizeRule,
    PartnerOperationsOnly,
)

CALLS: list[str] = []
HELLO = "query Hello { hello }"
PARTNER = Principal(subject="client-1", scopes=frozenset({"catalog:read"}), is_partner=True)
USER = Principal(subject="user-1")


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        CALLS.append("hello")
        return "hi"

    @strawberry.field
    def items(self, first: int = 10) -> list[int]:
        return list(range(first))


SCHEMA = strawberry.Schema(
    query=Query,
    extensions=[
        PartnerOperationsOnly,
        lambda: ValidationCache(maxsize=16),
        lambda: AddValidationRules([MaxAliasesRule, PageSizeRule]),
    ],
)


@dataclass
class Context:
    principal: Principal | None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def http_request(self) -> Request:
        raw = [(k.lower().encode(), v.encode()) for k, v in self.headers.items()]
        return Request({"type": "http", "headers": raw, "client": ("10.0.0.9", 5000)})


def run(query: str, context: Context) -> strawberry.types.ExecutionResult:
    CALLS.clear()
    return SCHEMA.execute_sync(query, context_value=context)


def signed(document: str, operation_id: str = "a" * 64) -> dict[str, str]:
    return {net.OPERATION_HEADER: net.sign_operation(net.request_key(), operation_id, document)}


# --- partners run registered operations only -----------------------------------


@pytest.mark.parametrize("principal", [None, USER])
def test_users_and_anonymous_callers_run_any_document(principal: Principal | None) -> None:
    result = run(HELLO, Context(principal))

    assert result.errors is None
    assert result.data == {"hello": "hi"}


def test_partner_with_the_gateways_signature_for_this_document_runs_it() -> None:
    result = run(HELLO, Context(PARTNER, signed(HELLO)))

    assert result.errors is None
    assert CALLS == ["hello"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        signed("query Other { hello }"),  # a signature moved onto another document
        {net.OPERATION_HEADER: "a" * 64},  # no signature at all
        {
            net.OPERATION_HEADER: net.sign_operation(
                net.gateway_key("some-other-deployment-secret-xxxxxxxx"), "a" * 64, HELLO
            )
        },
        {net.OPERATION_HEADER: net.sign_operation(net.request_key(), "a" * 64, HELLO, now=1)},
    ],
    ids=["unsigned", "other-document", "forged", "other-key", "stale"],
)
def test_partner_without_a_valid_signature_is_forbidden_before_any_resolver(
    headers: dict[str, str],
) -> None:
    result = run(HELLO, Context(PARTNER, headers))

    assert result.data is None
    [error] = result.errors or []
    assert error.message == PARTNER_MESSAGE
    assert error.extensions == {"code": "FORBIDDEN"}
    assert CALLS == []


# --- aliases and page sizes ---------------------------------------------------------


def aliases(n: int, field_name: str = "__typename") -> str:
    return "{ " + " ".join(f"a{i}: {field_name}" for i in range(n)) + " }"


def test_aliases_up_to_the_limit_run() -> None:
    result = run(aliases(MAX_ALIASES, "hello"), Context(None))

    assert result.errors is None
    assert len(result.data or {}) == MAX_ALIASES


@pytest.mark.parametrize("field_name", ["__typename", "hello"])
def test_one_alias_too_many_is_one_error(field_name: str) -> None:
    result = run(aliases(MAX_ALIASES * 3, field_name), Context(None))

    assert result.data is None
    [error] = result.errors or []
    assert error.message == f"Too many aliases: at most {MAX_ALIASES} per document."
    assert CALLS == []


def test_aliases_in_fragments_count_too() -> None:
    half = MAX_ALIASES // 2 + 1
    spread = " ".join(f"f{i}: hello" for i in range(half))
    query = "{ ...F " + " ".join(f"q{i}: hello" for i in range(half)) + " } "
    query += "fragment F on Query { " + spread + " }"

    result = run(query, Context(None))

    assert [e.message for e in result.errors or []] == [
        f"Too many aliases: at most {MAX_ALIASES} per document."
    ]


def test_literal_page_size_above_the_cap_fails_validation() -> None:
    allowed = run("{ items(first: 100) }", Context(None))
    refused = run("{ items(first: 101) }", Context(None))

    assert allowed.errors is None
    assert [e.message for e in refused.errors or []] == ["`first` must be at most 100."]
    assert refused.errors and refused.errors[0].extensions == {"code": "BAD_USER_INPUT"}


def test_huge_literal_page_size_is_a_clear_error() -> None:
    result = run("{ items(first: 99999999999999999999) }", Context(None))

    assert result.data is None
    assert result.errors
