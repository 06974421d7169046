"""Checkout input rules. Every problem is collected, so one answer names every
invalid field; nothing here talks to another service."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from shared.errors import DomainError, ValidationFailed, invalid_input

MAX_KEY_LENGTH = 100
MAX_TOKEN_LENGTH = 100
MAX_METHOD_LENGTH = 32
# Control characters (NUL above all, which Postgres refuses in text) have no
# place in an address, a token or a key.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]{4,32}$")
_POSTAL_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]*$")
_METHOD = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True, slots=True)
class ShippingAddress:
    full_name: str
    line1: str
    line2: str | None
    city: str
    region: str | None
    postal_code: str
    country: str
    phone: str | None


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    """A checked checkout: exactly one of `address` and `address_id` is set."""

    address: ShippingAddress | None
    address_id: uuid.UUID | None
    shipping_method: str
    payment_token: str
    idempotency_key: str


@dataclass
class _Checks:
    problems: list[DomainError] = field(default_factory=list)

    def fail(self, message: str, *path: str) -> None:
        self.problems.append(invalid_input(message, *path))

    def text(self, value: str, max_length: int, *path: str) -> str:
        cleaned = value.strip()
        if not cleaned or len(cleaned) > max_length or _CONTROL.search(value):
            self.fail(
                f"`{path[-1]}` must be 1 to {max_length} characters, without control characters.",
                *path,
            )
        return cleaned

    def optional_text(self, value: str | None, max_length: int, *path: str) -> str | None:
        if value is None or (not value.strip() and not _CONTROL.search(value)):
            return None
        return self.text(value, max_length, *path)

    def matches(
        self, value: str | None, pattern: re.Pattern[str], message: str, *path: str
    ) -> None:
        """A format rule, checked only where the value passed the rules before it."""
        already = any(problem.field == list(path) for problem in self.problems)
        if value is not None and not already and not pattern.match(value):
            self.fail(message, *path)


def _address(checks: _Checks, raw: ShippingAddress) -> ShippingAddress:
    at = "shippingAddress"
    address = ShippingAddress(
        full_name=checks.text(raw.full_name, 200, at, "fullName"),
        line1=checks.text(raw.line1, 200, at, "line1"),
        line2=checks.optional_text(raw.line2, 200, at, "line2"),
        city=checks.text(raw.city, 100, at, "city"),
        region=checks.optional_text(raw.region, 100, at, "region"),
        postal_code=checks.text(raw.postal_code, 20, at, "postalCode"),
        country=checks.text(raw.country, 2, at, "country").upper(),
        phone=checks.optional_text(raw.phone, 32, at, "phone"),
    )
    checks.matches(
        address.postal_code,
        _POSTAL_CODE,
        "`postalCode` may hold letters, digits, spaces and hyphens.",
        at,
        "postalCode",
    )
    checks.matches(
        address.country,
        _COUNTRY,
        "`country` must be an ISO 3166-1 alpha-2 code such as US or DE.",
        at,
        "country",
    )
    checks.matches(
        address.phone,
        _PHONE,
        "`phone` may hold digits, spaces and + ( ) . / - (4 to 32 characters).",
        at,
        "phone",
    )
    return address


def _address_id(checks: _Checks, raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        checks.fail("`addressId` is not a valid ID.", "addressId")
        return None


def checked_checkout(
    *,
    address: ShippingAddress | None,
    address_id: str | None,
    shipping_method: str,
    payment_token: str,
    idempotency_key: str,
) -> CheckoutRequest:
    """The input trimmed and normalised, or ValidationFailed naming every bad field."""
    checks = _Checks()
    parsed_address: ShippingAddress | None = None
    parsed_id: uuid.UUID | None = None
    if (address is None) == (address_id is None):
        checks.fail("Give exactly one of `addressId` and `shippingAddress`.", "shippingAddress")
    elif address is not None:
        parsed_address = _address(checks, address)
    elif address_id is not None:
        parsed_id = _address_id(checks, address_id)
    method = checks.text(shipping_method, MAX_METHOD_LENGTH, "shippingMethod")
    checks.matches(
        method,
        _METHOD,
        "`shippingMethod` is a shipping method code such as STANDARD.",
        "shippingMethod",
    )
    token = payment_token.strip()
    if not token or len(token) > MAX_TOKEN_LENGTH or _CONTROL.search(payment_token):
        checks.fail(
            f"`paymentToken` must be 1 to {MAX_TOKEN_LENGTH} characters, without control "
            "characters.",
            "paymentToken",
        )
    if not 1 <= len(idempotency_key) <= MAX_KEY_LENGTH or not idempotency_key.isprintable():
        checks.fail(
            f"`idempotencyKey` must be 1 to {MAX_KEY_LENGTH} printable characters.",
            "idempotencyKey",
        )
    if checks.problems:
        raise ValidationFailed(checks.problems)
    return CheckoutRequest(
        address=parsed_address,
        address_id=parsed_id,
        shipping_method=method.upper(),
        payment_token=token,
        idempotency_key=idempotency_key,
    )
