"""Response bodies of the cart's internal API (in its OpenAPI document)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from subgraphs.cart.repository import StoredCart


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CartLine(_Strict):
    product_id: uuid.UUID
    quantity: int = Field(ge=1)


class CartContents(_Strict):
    """A user's cart as checkout reads it: products and quantities, never prices."""

    user_id: uuid.UUID
    lines: list[CartLine] = Field(description="In the order they were added; empty: no cart.")
    updated_at: datetime | None = Field(description="Last change; null when never changed.")

    @classmethod
    def from_stored(cls, user_id: uuid.UUID, stored: StoredCart) -> CartContents:
        return cls(
            user_id=user_id,
            lines=[
                CartLine(product_id=uuid.UUID(line.product_id), quantity=line.quantity)
                for line in stored.lines
            ],
            updated_at=stored.updated_at,
        )
