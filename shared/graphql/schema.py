"""Build a subgraph's federation schema with the platform's extensions on."""

from __future__ import annotations

from collections.abc import Iterable

import strawberry
from strawberry.extensions import (
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

from shared.graphql.errors import ErrorMasking
from shared.graphql.extensions import OperationMetrics, RejectInvalidToken

# Parsing and validation dominate small queries; both caches are keyed by the
# query text, so a storefront's handful of operations is parsed once.
CACHE_SIZE = 1024
MAX_DEPTH = 15
MAX_TOKENS = 5000


def build_schema(
    *,
    query: type,
    mutation: type | None = None,
    types: Iterable[type] = (),
) -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
        query=query,
        mutation=mutation,
        types=list(types),
        federation_version="2.11",
        extensions=[
            OperationMetrics,
            ErrorMasking,
            lambda: ParserCache(maxsize=CACHE_SIZE),
            lambda: ValidationCache(maxsize=CACHE_SIZE),
            lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            RejectInvalidToken,
        ],
    )
