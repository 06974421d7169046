"""Checkout input rules. Every problem is collected, so one answer names every
invalid field; nothing here talks to another service."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from shared.validation import Checks, has_control_characters

MAX_KEY_LENGTH = 100
MAX_TOKEN_LENGTH = 100
MAX_METHOD_LENGTH = 32
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


def _address(checks: Checks, raw: ShippingAddress) -> ShippingAddress:
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


def checked_checkout(
    *,
    address: ShippingAddress | None,
    address_id: str | None,
    shipping_method: str,
    payment_token: str,
    idempotency_key: str,
) -> CheckoutRequest:
    """The input trimmed and normalised, or ValidationFailed naming every bad field."""
    checks = Checks()
    parsed_address: ShippingAddress | None = None
    parsed_id: uuid.UUID | None = None
    if (address is None) == (address_id is None):
        checks.fail("Give exactly one of `addressId` and `shippingAddress`.", "shippingAddress")
    elif address is not None:
        parsed_address = _address(checks, address)
    elif address_id is not None:
        parsed_id = checks.reference(address_id, "addressId")
    method = checks.text(shipping_method, MAX_METHOD_LENGTH, "shippingMethod")
    checks.matches(
        method,
        _METHOD,
        "`shippingMethod` is a shipping method code such as STANDARD.",
        "shippingMethod",
    )
    token = payment_token.strip()
    if not token or len(token) > MAX_TOKEN_LENGTH or has_control_characters(payment_token):
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
    checks.done()
    return CheckoutRequest(
        address=parsed_address,
        address_id=parsed_id,
        shipping_method=method.upper(),
        payment_token=token,
        idempotency_key=idempotency_key,
    )
