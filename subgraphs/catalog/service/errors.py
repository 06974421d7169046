"""Domain errors of the catalog beyond plain invalid input."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from shared.errors import DomainError


def slug_taken(*field: str) -> DomainError:
    return DomainError("SLUG_TAKEN", "This slug is already used.", field or ("slug",))


def sku_taken() -> DomainError:
    return DomainError("SKU_TAKEN", "A product with this SKU already exists.", ["sku"])


def invalid_state(message: str) -> DomainError:
    return DomainError("INVALID_STATE", message)


@dataclass(frozen=True, slots=True)
class ShortLine:
    product_id: uuid.UUID
    requested: int
    available: int


class OutOfStock(DomainError):
    """Some lines of a reservation cannot be held; nothing was reserved."""

    def __init__(self, lines: Sequence[ShortLine]) -> None:
        super().__init__("OUT_OF_STOCK", "Not enough stock for some lines.")
        self.lines = list(lines)


class ProductsUnavailable(DomainError):
    """Some products of a reservation are unknown or archived; nothing was reserved."""

    def __init__(self, product_ids: Sequence[uuid.UUID]) -> None:
        super().__init__("PRODUCT_UNAVAILABLE", "Some products are unknown or archived.")
        self.product_ids = list(product_ids)


def violated_constraint(error: IntegrityError) -> str | None:
    """The name of the constraint a failed INSERT/UPDATE broke (asyncpg reports it)."""
    cause = getattr(error.orig, "__cause__", None)
    name = getattr(cause, "constraint_name", None)
    return name if isinstance(name, str) else None
