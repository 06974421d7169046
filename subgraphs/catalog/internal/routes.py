"""The catalog's internal API: stock reservations for orders, product look-ups.

Only services reach it (a service token, never through the gateway):

    POST /internal/reservations                    reserve all lines or none
    POST /internal/reservations/{order_id}/commit  the order is paid
    POST /internal/reservations/{order_id}/release payment failed / order cancelled
    GET  /internal/reservations/{order_id}         the reservation as it stands
    POST /internal/products/lookup                 which products exist and are for sale
    GET  /internal/products/lookup?ids=…           the same, for a few ids

Every reservation call is idempotent by order id: retry freely.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import Query, Request

from shared.app import service_parts
from shared.errors import DomainError
from shared.internal import InternalApiError, ServiceCaller, error_responses, internal_router
from shared.settings import platform_settings
from subgraphs.catalog.internal.models import (
    MAX_LOOKUP_IDS,
    ProductLookup,
    ProductLookupRequest,
    ProductSummary,
    Reservation,
    ReservationConflict,
    ReservationConflictDetails,
    ReserveRequest,
    ShortLine,
)
from subgraphs.catalog.service import CatalogServices
from subgraphs.catalog.service.errors import OutOfStock, ProductsUnavailable

AUDIENCE = "catalog"
# Only checkout holds stock; any service may ask what a product is.
reservations_router = internal_router(audience=AUDIENCE, allowed_callers={"orders"})
products_router = internal_router(audience=AUDIENCE)

_STATUS_OF_CODE = {"NOT_FOUND": 404, "INVALID_INPUT": 422}


def _services(request: Request) -> CatalogServices:
    return service_parts(request, CatalogServices)


def _api_error(error: DomainError) -> InternalApiError:
    details: dict[str, object] = {}
    if isinstance(error, OutOfStock):
        short = [
            ShortLine(product_id=s.product_id, requested=s.requested, available=s.available)
            for s in error.lines
        ]
        details = ReservationConflictDetails(lines=short).model_dump(mode="json")
    elif isinstance(error, ProductsUnavailable):
        conflict = ReservationConflictDetails(product_ids=error.product_ids)
        details = conflict.model_dump(mode="json")
    if error.field:
        details["field"] = error.field
    status = _STATUS_OF_CODE.get(error.code, 409)
    return InternalApiError(status, error.code, error.message, details)


# Documents the 409 body, with the OUT_OF_STOCK lines typed.
_CONFLICT: dict[int | str, dict[str, object]] = {409: {"model": ReservationConflict}}


@reservations_router.post(
    "/reservations",
    response_model=Reservation,
    responses=_CONFLICT,
    summary="Hold stock for every line of an order, or for none",
    description="409 OUT_OF_STOCK lists the short lines in `details.lines`; 409 "
    "PRODUCT_UNAVAILABLE lists unknown or archived products in `details.product_ids`; "
    "409 INVALID_STATE when the order's hold was released or expired; 409 "
    "IDEMPOTENCY_CONFLICT when the order id was reserved with other lines.",
)
async def reserve(body: ReserveRequest, caller: ServiceCaller, request: Request) -> Reservation:
    service = _services(request).reservations
    try:
        view = await service.reserve(
            body.order_id,
            [(line.product_id, line.quantity) for line in body.lines],
            caller=caller.name,
            ttl=timedelta(seconds=body.ttl_seconds) if body.ttl_seconds else None,
        )
    except DomainError as error:
        raise _api_error(error) from error
    return Reservation.from_view(view)


@reservations_router.post(
    "/reservations/{order_id}/commit",
    response_model=Reservation,
    responses={**error_responses(404), **_CONFLICT},
    summary="The order is paid: its held units leave the stock on hand",
)
async def commit(order_id: uuid.UUID, caller: ServiceCaller, request: Request) -> Reservation:
    try:
        view = await _services(request).reservations.commit(order_id, caller=caller.name)
    except DomainError as error:
        raise _api_error(error) from error
    return Reservation.from_view(view)


@reservations_router.post(
    "/reservations/{order_id}/release",
    response_model=Reservation,
    summary="Give the order's units back (a hold, or a paid order's units)",
)
async def release(order_id: uuid.UUID, caller: ServiceCaller, request: Request) -> Reservation:
    view = await _services(request).reservations.release(order_id, caller=caller.name)
    return Reservation.from_view(view)


@reservations_router.get(
    "/reservations/{order_id}",
    response_model=Reservation,
    responses=error_responses(404),
    summary="The order's reservation as it stands",
)
async def read_reservation(order_id: uuid.UUID, request: Request) -> Reservation:
    try:
        view = await _services(request).reservations.get(order_id)
    except DomainError as error:
        raise _api_error(error) from error
    return Reservation.from_view(view)


async def _lookup(ids: list[uuid.UUID], request: Request) -> ProductLookup:
    rows = {row.id: row for row in await _services(request).browsing.products_by_ids(ids)}
    currency = platform_settings().currency
    return ProductLookup(
        products=[
            ProductSummary(
                id=row.id,
                sku=row.sku,
                slug=row.slug,
                name=row.name,
                price=row.price,
                currency=currency,
                active=row.active,
                stock=row.stock_available,
            )
            for pid in dict.fromkeys(ids)
            if (row := rows.get(pid)) is not None
        ],
        missing=[pid for pid in dict.fromkeys(ids) if pid not in rows],
    )


@products_router.post(
    "/products/lookup",
    response_model=ProductLookup,
    summary="Which of these products exist, are for sale, cost what, and how many are left",
)
async def lookup_products(body: ProductLookupRequest, request: Request) -> ProductLookup:
    return await _lookup(body.ids, request)


@products_router.get(
    "/products/lookup",
    response_model=ProductLookup,
    summary="The same look-up for a few ids in the query string",
)
async def lookup_products_by_query(
    request: Request,
    ids: Annotated[list[uuid.UUID], Query(min_length=1, max_length=MAX_LOOKUP_IDS)],
) -> ProductLookup:
    return await _lookup(ids, request)
