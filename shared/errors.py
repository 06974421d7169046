"""Domain errors raised by services, independent of GraphQL and HTTP.

A service raises `DomainError` for an expected, user-fixable failure; the
GraphQL layer turns it into a `userErrors` entry with the same code. Codes are
UPPER_SNAKE and documented per mutation in the public contract.
"""

from __future__ import annotations

from collections.abc import Sequence


class DomainError(Exception):
    """An expected failure the caller can fix: bad input, a taken e-mail, no stock."""

    def __init__(self, code: str, message: str, field: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = list(field) if field is not None else None


class ValidationFailed(DomainError):
    """Several input problems found at once, reported together."""

    def __init__(self, problems: Sequence[DomainError]) -> None:
        super().__init__(problems[0].code, problems[0].message, problems[0].field)
        self.problems = list(problems)


def invalid_input(message: str, *field: str) -> DomainError:
    return DomainError("INVALID_INPUT", message, field or None)


def not_found(what: str, *field: str) -> DomainError:
    """NOT_FOUND for an id that names nothing (or nothing the caller may see)."""
    return DomainError("NOT_FOUND", f"No {what} with this ID.", field or None)
