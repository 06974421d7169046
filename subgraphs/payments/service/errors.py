"""Domain errors of the payments service."""

from __future__ import annotations

from shared.errors import DomainError


def not_found(what: str, *field: str) -> DomainError:
    return DomainError("NOT_FOUND", f"No {what} with this ID.", field or None)


def invalid_state(message: str, *field: str) -> DomainError:
    return DomainError("INVALID_STATE", message, field or None)


def invalid_payment_token() -> DomainError:
    return DomainError(
        "INVALID_PAYMENT_TOKEN", "The payment token is not one the processor knows.", ["token"]
    )


def unavailable(message: str) -> DomainError:
    """The processor's answer is not known yet: the record stays pending, retry later."""
    return DomainError("UNAVAILABLE", message)


def idempotency_conflict() -> DomainError:
    return DomainError(
        "IDEMPOTENCY_CONFLICT",
        "This order already has a payment with another amount, currency or buyer.",
    )


def refund_failed(code: str) -> DomainError:
    return DomainError("REFUND_FAILED", f"The processor refused the refund ({code}).")
