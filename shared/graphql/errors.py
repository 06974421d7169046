"""GraphQL errors with `extensions.code`, user errors, and masking of the unexpected.

Anything that is not one of our deliberate errors is logged with the request id
and replaced by a generic message: no stack trace, SQL or hostname leaves.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from enum import StrEnum
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from shared.errors import DomainError, ValidationFailed

logger = logging.getLogger("minishop.graphql")


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    NOT_FOUND = "NOT_FOUND"
    RATE_LIMITED = "RATE_LIMITED"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class ApiError(Exception):
    """Raised by a resolver for the caller's fault; shown to the client as is.

    graphql-core copies `extensions` from the original error into the response.
    """

    def __init__(self, code: ErrorCode, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.extensions: dict[str, Any] = {"code": code.value, **extra}


def unauthenticated(message: str = "Sign in to do this.") -> ApiError:
    return ApiError(ErrorCode.UNAUTHENTICATED, message)


def forbidden(message: str = "You are not allowed to do this.") -> ApiError:
    return ApiError(ErrorCode.FORBIDDEN, message)


def bad_user_input(message: str, **extra: Any) -> ApiError:
    return ApiError(ErrorCode.BAD_USER_INPUT, message, **extra)


@strawberry.federation.type(shareable=True, description="An expected, user-fixable problem.")
class UserError:
    field: list[str] | None
    message: str
    code: str


def user_errors(error: DomainError) -> list[UserError]:
    problems = error.problems if isinstance(error, ValidationFailed) else [error]
    return [UserError(field=p.field, message=p.message, code=p.code) for p in problems]


INTERNAL_MESSAGE = "Internal server error."

# graphql-core quotes a variable it cannot coerce ("…, found: {password: …}."):
# the reason stays, the value (a password, a token) goes.
_FOUND_VALUE = re.compile(r",? found: .*$", re.DOTALL)
_REPRESENTED_VALUE = re.compile(r"(cannot represent [^:]*value): .*$", re.DOTALL)


def without_variable_values(message: str) -> str:
    if not message.startswith("Variable '$"):
        return message
    message = _FOUND_VALUE.sub(".", message)
    return _REPRESENTED_VALUE.sub(r"\1.", message)


def _is_deliberate(error: GraphQLError) -> bool:
    """Errors the caller caused: ours (`ApiError`), and every error raised before
    execution (syntax, validation, variable coercion: no resolver path), even
    when a scalar's parser raised it."""
    return error.path is None or isinstance(error.original_error, ApiError)


class ErrorMasking(MaskErrors):
    """Strawberry's `MaskErrors` for the unexpected errors (logged first, then answered
    INTERNAL_SERVER_ERROR); the caller's own errors pass through with a code."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_is_unexpected, error_message=INTERNAL_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        # Logged here, where the original is still at hand; the log line
        # carries the request id (shared.observability.logging).
        logger.error(
            "unexpected error in a resolver",
            exc_info=error.original_error,
            extra={"graphql_path": error.path},
        )
        masked = super().anonymise_error(error)
        masked.extensions = {"code": ErrorCode.INTERNAL_SERVER_ERROR.value}
        return masked

    def on_operation(self) -> Iterator[None]:
        yield from super().on_operation()
        for error in getattr(self.execution_context.result, "errors", None) or ():
            _label_callers_error(error)


def _is_unexpected(error: GraphQLError) -> bool:
    return not _is_deliberate(error)


def _label_callers_error(error: GraphQLError) -> None:
    """A deliberate error keeps its code (BAD_USER_INPUT when it has none) and loses
    any variable value graphql-core quoted in it."""
    if error.path is None and error.message.startswith("Variable '$"):
        error.message = without_variable_values(error.message)
    if not (error.extensions or {}).get("code"):
        error.extensions = {**(error.extensions or {}), "code": ErrorCode.BAD_USER_INPUT.value}
