"""Input rules of the catalog's commands, checked before any transaction opens
(the shared `Checks` collects every problem of one input)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from shared import validation
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


class Checks(validation.Checks):
    """The shared checks, and the catalog's codes, names, prices and stock."""

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
        name = self.text(raw, MAX_NAME_LENGTH, "name")
        if not self.failed("name") and not slugify(name):
            self.fail("The name must contain at least one letter or digit.", "name")
        return name

    def description(self, raw: str) -> str:
        return self.text(raw, MAX_DESCRIPTION_LENGTH, "description", min_length=0, prose=True)

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

    def stock(self, value: int, field: str) -> int:
        return self.within(value, 0, MAX_STOCK, field)

    def stock_delta(self, value: int) -> int:
        if value == 0 or abs(value) > MAX_STOCK_DELTA:
            self.fail(
                f"`delta` must be non-zero and at most {MAX_STOCK_DELTA} either way.", "delta"
            )
        return value

    def reason(self, raw: str) -> str:
        return self.text(raw, MAX_REASON_LENGTH, "reason")
