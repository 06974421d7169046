"""Input rules of the catalog's commands, checked before any transaction opens.

`Checks` collects every problem of one input, so an admin sees them all at once
(`ValidationFailed`); each problem names its field, as the GraphQL input spells it.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from shared.errors import DomainError, ValidationFailed, invalid_input
from subgraphs.catalog.slugs import MAX_SLUG_LENGTH, SLUG_PATTERN, slugify

SKU_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,63}$")
MAX_NAME_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 10_000
MAX_REASON_LENGTH = 200
CENT = Decimal("0.01")
# NUMERIC(12, 2) holds up to 9,999,999,999.99.
MAX_PRICE = Decimal("9999999999.99")
# Far below the 32-bit column limit, so sums of stock changes cannot overflow it.
MAX_STOCK = 1_000_000_000
MAX_STOCK_DELTA = 1_000_000


class Keep:
    """Marks a field an update leaves as it is (as opposed to setting it to None)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = Keep()


def normalise_sku(sku: str) -> str:
    """SKUs are codes: compared without case or surrounding spaces."""
    return sku.strip().upper()


class Checks:
    def __init__(self) -> None:
        self.problems: list[DomainError] = []

    def fail(self, message: str, *field: str) -> None:
        self.problems.append(invalid_input(message, *field))

    def done(self) -> None:
        if self.problems:
            raise ValidationFailed(self.problems)

    def sku(self, raw: str) -> str:
        sku = normalise_sku(raw)
        if not SKU_PATTERN.match(sku):
            self.fail(
                "The SKU must be 1 to 64 letters, digits, '.', '_' or '-', "
                "starting with a letter or digit.",
                "sku",
            )
        return sku

    def name(self, raw: str) -> str:
        name = raw.strip()
        if not 1 <= len(name) <= MAX_NAME_LENGTH:
            self.fail(f"The name must be 1 to {MAX_NAME_LENGTH} characters.", "name")
        elif not slugify(name):
            self.fail("The name must contain at least one letter or digit.", "name")
        return name

    def description(self, raw: str) -> str:
        description = raw.strip()
        if len(description) > MAX_DESCRIPTION_LENGTH:
            self.fail(
                f"The description must be at most {MAX_DESCRIPTION_LENGTH} characters.",
                "description",
            )
        return description

    def price(self, raw: Decimal) -> Decimal:
        try:
            exact = raw.is_finite() and raw == raw.quantize(CENT)
        except InvalidOperation:
            exact = False
        if not exact:
            self.fail("The price must be an amount with at most two decimal places.", "price")
            return raw
        if raw < 0:
            self.fail("The price must not be negative.", "price")
        elif raw > MAX_PRICE:
            self.fail(f"The price must be at most {MAX_PRICE}.", "price")
        return raw.quantize(CENT)

    def slug(self, raw: str) -> str:
        slug = raw.strip().lower()
        if len(slug) > MAX_SLUG_LENGTH or not SLUG_PATTERN.match(slug):
            self.fail(
                "The slug must be lower-case letters and digits separated by single '-'.",
                "slug",
            )
        return slug

    def reference(self, raw: str, field: str) -> uuid.UUID | None:
        try:
            return uuid.UUID(str(raw))
        except ValueError:
            self.fail(f"`{field}` is not a valid ID.", field)
            return None

    def stock(self, value: int, field: str) -> int:
        if not 0 <= value <= MAX_STOCK:
            self.fail(f"`{field}` must be between 0 and {MAX_STOCK}.", field)
        return value

    def stock_delta(self, value: int) -> int:
        if value == 0 or abs(value) > MAX_STOCK_DELTA:
            self.fail(
                f"`delta` must be non-zero and at most {MAX_STOCK_DELTA} either way.", "delta"
            )
        return value

    def reason(self, raw: str) -> str:
        reason = raw.strip()
        if not 1 <= len(reason) <= MAX_REASON_LENGTH:
            self.fail(f"Give a reason of 1 to {MAX_REASON_LENGTH} characters.", "reason")
        return reason
