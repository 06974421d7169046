"""Domain errors of the orders service (codes as the public contract names them)."""

from __future__ import annotations

from shared.errors import DomainError


def not_found(what: str, *field: str) -> DomainError:
    return DomainError("NOT_FOUND", f"No {what} with this ID.", field or None)


def invalid_state(message: str) -> DomainError:
    return DomainError("INVALID_STATE", message)


def cart_empty() -> DomainError:
    return DomainError("CART_EMPTY", "Your cart is empty.")


def idempotency_key_reused() -> DomainError:
    return DomainError(
        "IDEMPOTENCY_KEY_REUSED",
        "This idempotency key was used for another checkout; use a new key.",
        ["idempotencyKey"],
    )


def checkout_in_progress() -> DomainError:
    return DomainError(
        "CHECKOUT_IN_PROGRESS",
        "A checkout with this idempotency key is still in progress; try again shortly.",
        ["idempotencyKey"],
    )


def service_unavailable() -> DomainError:
    """A peer checkout depends on did not answer; nothing was ordered or charged."""
    return DomainError(
        "SERVICE_UNAVAILABLE", "Checkout is unavailable right now; nothing was charged, try again."
    )


def payment_unavailable() -> DomainError:
    return DomainError(
        "PAYMENT_UNAVAILABLE", "Payments are unavailable right now; nothing was charged, try again."
    )


def payment_declined(failure_code: str | None) -> DomainError:
    reason = {
        "card_declined": "The card was declined.",
        "insufficient_funds": "The card has insufficient funds.",
    }.get(failure_code or "", "The payment was declined.")
    return DomainError("PAYMENT_DECLINED", f"{reason} Nothing was charged.", ["paymentToken"])


def invalid_payment_token() -> DomainError:
    return DomainError(
        "INVALID_INPUT", "This payment token is not valid; nothing was charged.", ["paymentToken"]
    )
