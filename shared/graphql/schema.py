"""Build a subgraph's federation schema with the platform's extensions on."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.extensions.query_depth_limiter import create_validator
from strawberry.types import ExecutionContext

from shared.graphql.errors import ErrorMasking
from shared.graphql.extensions import OperationMetrics, RejectInvalidToken
from shared.graphql.money import DecimalScalar
from shared.graphql.policies import MaxAliasesRule, PageSizeRule, PartnerOperationsOnly
from shared.graphql.tracing import OperationTracing

# Parsing and validation dominate small queries; both caches are keyed by the
# query text, so a storefront's handful of operations is parsed once.
CACHE_SIZE = 1024
MAX_DEPTH = 15
MAX_TOKENS = 5000

# Made once: the validation cache is keyed by the rule classes too, and
# `QueryDepthLimiter` makes a new class per request, so no request would hit it.
DEPTH_RULE = create_validator(MAX_DEPTH, should_ignore=None)


class SubgraphSchema(strawberry.federation.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Strawberry logs every error with its traceback, the caller's own
        # mistakes included; `ErrorMasking` logs the unexpected ones instead.
        return None


def build_schema(
    *,
    query: type,
    mutation: type | None = None,
    types: Iterable[type] = (),
) -> strawberry.federation.Schema:
    extensions: list[Any] = [
        # First, so its span holds the others' work; a no-op without an OTLP endpoint.
        OperationTracing,
        OperationMetrics,
        ErrorMasking,
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
        # The subgraphs' own wall: the key-free container gateway enforces none of these.
        lambda: AddValidationRules([DEPTH_RULE, MaxAliasesRule, PageSizeRule]),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        RejectInvalidToken,
        PartnerOperationsOnly,
    ]
    return SubgraphSchema(
        query=query,
        mutation=mutation,
        types=list(types),
        federation_version="2.11",
        extensions=extensions,
        scalar_overrides={Decimal: DecimalScalar},
    )
