"""The accounts' userError codes, as domain errors (see each mutation's description)."""

from __future__ import annotations

from shared.errors import DomainError


def invalid_credentials(
    message: str = "The e-mail or password is wrong.", *field: str
) -> DomainError:
    # One answer for an unknown e-mail and a wrong password (or an unknown
    # client and a wrong secret): it must not tell which it was.
    return DomainError("INVALID_CREDENTIALS", message, field or None)


def invalid_token() -> DomainError:
    return DomainError(
        "INVALID_TOKEN",
        "The refresh token is unknown, expired or revoked. Sign in again.",
        ["refreshToken"],
    )


def email_taken() -> DomainError:
    return DomainError("EMAIL_TAKEN", "An account with this e-mail already exists.", ["email"])


def rate_limited(retry_after_seconds: int) -> DomainError:
    unit = "second" if retry_after_seconds == 1 else "seconds"
    return DomainError(
        "RATE_LIMITED", f"Too many attempts. Try again in {retry_after_seconds} {unit}."
    )
