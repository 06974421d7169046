"""The gateway's policies, enforced again by every subgraph (a second wall).

A subgraph may be reached without the gateway (a misrouted request, the
key-free Apollo Router that cannot apply every limit), so each one checks for
itself:

- `PartnerOperationsOnly`: a partner client (the verified token's `partner`
  claim) runs only registered operations: the request must carry the
  gateway's signed `x-minishop-operation` header for exactly this document
  (shared/net.py). Anything else is FORBIDDEN before a resolver runs.
- `MaxAliasesRule`, `PageSizeRule`: validation rules refusing more aliases
  than `MAX_ALIASES` (`__typename` included) and a literal `first` above the
  page-size cap. A `first` given in variables is checked by
  `shared.graphql.pagination.page_size` when the field resolves. Depth is
  capped by `shared.graphql.schema.DEPTH_RULE`.

All hooks are synchronous (an async hook would turn every resolver into a
coroutine). The rules are module-level classes so that `ValidationCache`,
keyed by the rule classes, keeps hitting.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from graphql import (
    ASTValidationRule,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    IntValueNode,
    ValidationContext,
)
from strawberry.extensions import SchemaExtension

from shared import net
from shared.graphql.errors import ErrorCode
from shared.settings import platform_settings

# Above the gateway's 30: its query planner may alias fields of its own.
MAX_ALIASES: Final = 60
PARTNER_MESSAGE: Final = (
    "Partner clients may only run registered operations: send "
    "extensions.persistedQuery.sha256Hash of an operation from the manifest to the gateway."
)
PAGE_ARGUMENTS: Final = frozenset({"first", "last"})


class PartnerOperationsOnly(SchemaExtension):
    """FORBIDDEN for a partner's request unless the gateway signed its operation."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        principal = getattr(context, "principal", None)
        if principal is not None and principal.is_partner and not self._registered(context):
            self.execution_context.result = ExecutionResult(
                data=None,
                errors=[
                    GraphQLError(PARTNER_MESSAGE, extensions={"code": ErrorCode.FORBIDDEN.value})
                ],
            )
        yield

    def _registered(self, context: Any) -> bool:
        query = self.execution_context.query
        request = getattr(context, "http_request", None)
        if query is None or request is None:
            return False
        header = request.headers.get(net.OPERATION_HEADER)
        return net.verified_operation(header, query, net.request_key()) is not None


class MaxAliasesRule(ASTValidationRule):
    """One error when a document holds more than MAX_ALIASES aliases (fragments included)."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self._count = 0
        self._reported = False

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if node.alias is None or self._reported:
            return
        self._count += 1
        if self._count > MAX_ALIASES:
            self._reported = True
            self.report_error(
                GraphQLError(
                    f"Too many aliases: at most {MAX_ALIASES} per document.",
                    extensions={"code": ErrorCode.BAD_USER_INPUT.value},
                )
            )


class PageSizeRule(ASTValidationRule):
    """A literal `first`/`last` above the page-size cap fails validation."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self._max = platform_settings().max_page_size

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        for argument in node.arguments or ():
            value = argument.value
            if (
                argument.name.value in PAGE_ARGUMENTS
                and isinstance(value, IntValueNode)
                and int(value.value) > self._max
            ):
                self.report_error(
                    GraphQLError(
                        f"`{argument.name.value}` must be at most {self._max}.",
                        [argument],
                        extensions={"code": ErrorCode.BAD_USER_INPUT.value},
                    )
                )
