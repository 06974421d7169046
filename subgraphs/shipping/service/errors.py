"""Domain errors of the shipping service beyond plain invalid input."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from shared.errors import DomainError


def not_found(message: str, *field: str) -> DomainError:
    return DomainError("NOT_FOUND", message, field or None)


def invalid_state(message: str) -> DomainError:
    return DomainError("INVALID_STATE", message)


def tracking_number_taken() -> DomainError:
    return DomainError(
        "TRACKING_NUMBER_TAKEN",
        "Another shipment already has this tracking number.",
        ["trackingNumber"],
    )


def unknown_method(code: str, known: list[str]) -> DomainError:
    return DomainError(
        "UNKNOWN_SHIPPING_METHOD",
        f"There is no shipping method {code!r}; choose one of {', '.join(known)}.",
        ["method"],
    )


def unsupported_currency(currency: str, store_currency: str) -> DomainError:
    return DomainError(
        "UNSUPPORTED_CURRENCY",
        f"Shipping is priced in {store_currency}, not {currency}.",
        ["currency"],
    )


def violated_constraint(error: IntegrityError) -> str | None:
    """The name of the constraint a failed INSERT/UPDATE broke (asyncpg reports it)."""
    cause = getattr(error.orig, "__cause__", None)
    name = getattr(cause, "constraint_name", None)
    return name if isinstance(name, str) else None
