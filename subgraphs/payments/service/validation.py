"""Input rules: amounts, reasons, keys and tokens, checked before any transaction."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from shared.errors import DomainError, ValidationFailed, invalid_input

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000.00")
MAX_REASON_LENGTH = 500
MAX_KEY_LENGTH = 200
CURRENCY = re.compile(r"^[A-Z]{3}$")
# What a processor token looks like; anything else never reaches the processor.
TOKEN = re.compile(r"^tok_[A-Za-z0-9_]{1,96}$")


def _has_control_chars(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in text)


class Checks:
    """Collects every problem of one input (`ValidationFailed`)."""

    def __init__(self) -> None:
        self.problems: list[DomainError] = []

    def fail(self, message: str, *field: str) -> None:
        self.problems.append(invalid_input(message, *field))

    def done(self) -> None:
        if self.problems:
            raise ValidationFailed(self.problems)

    def amount(self, raw: Decimal, field: str = "amount") -> Decimal:
        try:
            exact = raw.is_finite() and raw == raw.quantize(CENT)
        except InvalidOperation:  # too many digits to quantize
            exact = False
        if not exact:
            self.fail("The amount must have at most two decimal places.", field)
            return raw
        if not Decimal(0) < raw <= MAX_AMOUNT:
            self.fail(f"The amount must be above 0 and at most {MAX_AMOUNT}.", field)
        return raw.quantize(CENT)

    def reason(self, raw: str) -> str:
        reason = raw.strip()
        if not 1 <= len(reason) <= MAX_REASON_LENGTH:
            self.fail(f"Give a reason of 1 to {MAX_REASON_LENGTH} characters.", "reason")
        elif _has_control_chars(reason):
            self.fail("The reason must not contain control characters.", "reason")
        return reason

    def key(self, raw: str | None, field: str = "idempotencyKey") -> str | None:
        if raw is None:
            return None
        if not 1 <= len(raw) <= MAX_KEY_LENGTH or _has_control_chars(raw):
            self.fail(
                f"The idempotency key must be 1 to {MAX_KEY_LENGTH} printable characters.", field
            )
        return raw

    def currency(self, raw: str) -> str:
        if not CURRENCY.match(raw):
            self.fail("The currency must be an ISO 4217 code such as USD.", "currency")
        return raw


def well_formed_token(token: str) -> bool:
    return bool(TOKEN.match(token))
