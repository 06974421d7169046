"""The catalog's internal API: prices, and holding stock for an order.

Every reservation call is keyed by the order id and idempotent, so each is
retried on any transport failure.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from shared.internal import InternalCallError, ServiceClient
from subgraphs.orders.clients.common import within
from subgraphs.orders.clients.errors import (
    OutOfStock,
    PeerRefused,
    ProductsUnavailable,
    ReservationGone,
)


class CatalogProduct(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    sku: str
    name: str
    price: Decimal
    currency: str
    active: bool


class _LookupRequest(BaseModel):
    ids: list[uuid.UUID]


class _Lookup(BaseModel):
    model_config = ConfigDict(extra="ignore")

    products: list[CatalogProduct] = []


class _Line(BaseModel):
    product_id: uuid.UUID
    quantity: int


class _ReserveRequest(BaseModel):
    order_id: uuid.UUID
    lines: list[_Line]
    ttl_seconds: int | None = None


class _Reservation(BaseModel):
    model_config = ConfigDict(extra="ignore")

    order_id: uuid.UUID
    status: str


def _ids(details: Mapping[str, Any], key: str, inner: str | None = None) -> list[uuid.UUID]:
    found: list[uuid.UUID] = []
    for item in details.get(key) or []:
        raw = item.get(inner) if inner and isinstance(item, dict) else item
        try:
            found.append(uuid.UUID(str(raw)))
        except ValueError:
            continue
    return found


class CatalogClient:
    def __init__(self, catalog: ServiceClient, timeout_seconds: float) -> None:
        self._catalog = catalog
        self._timeout = timeout_seconds

    async def products(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, CatalogProduct]:
        """The products found among `ids` (unknown ones are absent), archived ones included."""
        try:
            found = await within(
                "catalog",
                self._timeout,
                self._catalog.post(
                    "/internal/products/lookup",
                    body=_LookupRequest(ids=list(ids)),
                    response_model=_Lookup,
                    idempotent=True,
                ),
            )
        except InternalCallError as error:
            raise PeerRefused("catalog", error.code, error.message) from error
        return {product.id: product for product in found.products}

    async def reserve(
        self, order_id: uuid.UUID, lines: Sequence[tuple[uuid.UUID, int]], ttl_seconds: int
    ) -> None:
        """Hold every line for the order, or none (OutOfStock, ProductsUnavailable)."""
        body = _ReserveRequest(
            order_id=order_id,
            lines=[_Line(product_id=p, quantity=q) for p, q in lines],
            ttl_seconds=ttl_seconds,
        )
        try:
            await within(
                "catalog",
                self._timeout,
                self._catalog.post(
                    "/internal/reservations",
                    body=body,
                    response_model=_Reservation,
                    idempotent=True,
                ),
            )
        except InternalCallError as error:
            if error.code == "OUT_OF_STOCK":
                raise OutOfStock(_ids(error.details, "lines", "product_id")) from error
            if error.code == "PRODUCT_UNAVAILABLE":
                raise ProductsUnavailable(_ids(error.details, "product_ids")) from error
            if error.code == "INVALID_STATE":
                raise ReservationGone(str(order_id)) from error
            raise PeerRefused("catalog", error.code, error.message) from error

    async def commit(self, order_id: uuid.UUID) -> None:
        """The order is paid: its held units leave the stock (ReservationGone if not held)."""
        try:
            await within(
                "catalog",
                self._timeout,
                self._catalog.post(
                    f"/internal/reservations/{order_id}/commit",
                    response_model=_Reservation,
                    idempotent=True,
                ),
            )
        except InternalCallError as error:
            if error.code in ("INVALID_STATE", "NOT_FOUND"):
                raise ReservationGone(str(order_id)) from error
            raise PeerRefused("catalog", error.code, error.message) from error

    async def release(self, order_id: uuid.UUID) -> None:
        """Give the order's units back; also for an order never reserved (a marker then
        keeps a late reserve call from holding stock nobody would release)."""
        try:
            await within(
                "catalog",
                self._timeout,
                self._catalog.post(
                    f"/internal/reservations/{order_id}/release",
                    response_model=_Reservation,
                    idempotent=True,
                ),
            )
        except InternalCallError as error:
            raise PeerRefused("catalog", error.code, error.message) from error
