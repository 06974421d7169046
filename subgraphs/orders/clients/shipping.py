"""The shipping service's internal API: what a shipping method costs."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from shared.internal import InternalCallError, ServiceClient
from subgraphs.orders.clients.common import within
from subgraphs.orders.clients.errors import PeerRefused, UnknownShippingMethod


class _QuoteRequest(BaseModel):
    method: str
    currency: str


class ShippingQuote(BaseModel):
    model_config = ConfigDict(extra="ignore")

    method: str
    price: Decimal
    currency: str


class ShippingClient:
    def __init__(self, shipping: ServiceClient, timeout_seconds: float) -> None:
        self._shipping = shipping
        self._timeout = timeout_seconds

    async def quote(self, method: str, currency: str) -> ShippingQuote:
        try:
            return await within(
                "shipping",
                self._timeout,
                # A quote changes nothing: safe to retry.
                self._shipping.post(
                    "/internal/quotes",
                    body=_QuoteRequest(method=method, currency=currency),
                    response_model=ShippingQuote,
                    idempotent=True,
                ),
            )
        except InternalCallError as error:
            if error.code == "UNKNOWN_SHIPPING_METHOD":
                raise UnknownShippingMethod(method) from error
            raise PeerRefused("shipping", error.code, error.message) from error
