"""The shipping internal API: what checkout needs to price an order's delivery.

Only services reach it (a service token, never through the gateway):

    POST /internal/quotes   {"method": "STANDARD", "currency": "USD"} → the method's price
"""

from __future__ import annotations

from fastapi import Request

from shared.app import service_parts
from shared.errors import DomainError
from shared.internal import InternalApiError, error_responses, internal_router
from subgraphs.shipping.internal.models import QuoteRequest, ShippingQuote
from subgraphs.shipping.service import ShippingServices

AUDIENCE = "shipping"
# Checkout prices the chosen method onto the order.
quotes_router = internal_router(audience=AUDIENCE, allowed_callers={"orders"})


@quotes_router.post(
    "/quotes",
    response_model=ShippingQuote,
    responses=error_responses(422),
    summary="The price and delivery time of a shipping method",
    description="422 UNKNOWN_SHIPPING_METHOD (`details.known` lists the codes), 422 "
    "UNSUPPORTED_CURRENCY when `currency` is not the store currency.",
)
async def quote(body: QuoteRequest, request: Request) -> ShippingQuote:
    methods = service_parts(request, ShippingServices).methods
    try:
        answer = methods.quote(body.method, body.currency)
    except DomainError as error:
        details: dict[str, object] = {"field": error.field or []}
        if error.code == "UNKNOWN_SHIPPING_METHOD":
            details["known"] = [method.code for method in methods.all()]
        raise InternalApiError(422, error.code, error.message, details) from error
    return ShippingQuote.from_quote(answer)
