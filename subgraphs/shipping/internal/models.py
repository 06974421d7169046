"""Request and response bodies of the shipping internal API (in its OpenAPI document)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from subgraphs.shipping.service.methods import MAX_CODE_LENGTH, Quote


class QuoteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: Annotated[str, Field(min_length=1, max_length=MAX_CODE_LENGTH)]
    currency: Annotated[
        str | None,
        Field(
            pattern=r"^[A-Z]{3}$",
            description="The order's currency; shipping is priced in the store currency only.",
        ),
    ] = None


class ShippingQuote(BaseModel):
    """What a method costs and takes, for an order to record."""

    model_config = ConfigDict(extra="forbid")

    method: str = Field(description="The method's code, as the order should store it.")
    name: str
    price: Decimal = Field(description="In `currency`, two decimal places (a string in JSON).")
    currency: str
    estimated_days: int

    @classmethod
    def from_quote(cls, quote: Quote) -> ShippingQuote:
        return cls(
            method=quote.method.code,
            name=quote.method.name,
            price=quote.method.price,
            currency=quote.currency,
            estimated_days=quote.method.estimated_days,
        )
