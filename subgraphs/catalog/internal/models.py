"""Request and response bodies of the catalog's internal API (in its OpenAPI document)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from subgraphs.catalog.models import ReservationStatus
from subgraphs.catalog.service.reservations import MAX_LINES, MAX_QUANTITY, ReservationView
from subgraphs.catalog.settings import MAX_RESERVATION_TTL_SECONDS, catalog_settings

MAX_LOOKUP_IDS = 500


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReservationLine(_Strict):
    product_id: uuid.UUID
    quantity: Annotated[int, Field(ge=1, le=MAX_QUANTITY)]


class ReserveRequest(_Strict):
    """Hold every line for the order, or none. Repeating it changes nothing."""

    order_id: uuid.UUID
    lines: Annotated[list[ReservationLine], Field(min_length=1, max_length=MAX_LINES)]
    ttl_seconds: Annotated[
        int | None,
        Field(
            ge=1,
            le=MAX_RESERVATION_TTL_SECONDS,
            description="How long to hold; the catalog's default when absent, at most "
            "its configured maximum (CATALOG_RESERVATION_MAX_TTL_SECONDS).",
        ),
    ] = None

    @field_validator("ttl_seconds")
    @classmethod
    def _within_the_catalogs_max(cls, ttl: int | None) -> int | None:
        limit = catalog_settings().reservation_max_ttl_seconds
        if ttl is not None and ttl > limit:
            raise ValueError(f"ttl_seconds must be at most {limit}")
        return ttl

    @field_validator("lines")
    @classmethod
    def _one_line_per_product(cls, lines: list[ReservationLine]) -> list[ReservationLine]:
        if len({line.product_id for line in lines}) != len(lines):
            raise ValueError("each product may appear on one line only")
        return lines


class Reservation(_Strict):
    order_id: uuid.UUID
    status: ReservationStatus
    expires_at: datetime = Field(description="When an uncommitted hold may be released.")
    lines: list[ReservationLine]

    @classmethod
    def from_view(cls, view: ReservationView) -> Reservation:
        return cls(
            order_id=view.order_id,
            status=view.status,
            expires_at=view.expires_at,
            lines=[ReservationLine(product_id=p, quantity=q) for p, q in view.lines],
        )


class ShortLine(_Strict):
    """In the details of an OUT_OF_STOCK error: a line that could not be held."""

    product_id: uuid.UUID
    requested: int
    available: int


class ReservationConflictDetails(BaseModel):
    lines: list[ShortLine] = Field(default_factory=list, description="OUT_OF_STOCK: short lines.")
    product_ids: list[uuid.UUID] = Field(
        default_factory=list, description="PRODUCT_UNAVAILABLE: unknown or archived products."
    )


class ReservationConflictBody(BaseModel):
    """The shared error shape (`shared.internal.ErrorBody`) with its details typed."""

    code: str
    message: str
    details: ReservationConflictDetails = Field(default_factory=ReservationConflictDetails)


class ReservationConflict(BaseModel):
    """409: OUT_OF_STOCK, PRODUCT_UNAVAILABLE, INVALID_STATE or IDEMPOTENCY_CONFLICT."""

    error: ReservationConflictBody


class ProductLookupRequest(_Strict):
    ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=MAX_LOOKUP_IDS)]


class ProductSummary(_Strict):
    id: uuid.UUID
    sku: str
    slug: str
    name: str
    price: Decimal = Field(description="Current price, two decimal places.")
    currency: str
    active: bool = Field(description="False when archived: not for sale any more.")
    stock: int = Field(description="Units available: on hand minus reserved.")


class ProductLookup(_Strict):
    products: list[ProductSummary] = Field(description="Found products, in the order asked.")
    missing: list[uuid.UUID] = Field(description="Ids that name no product.")
