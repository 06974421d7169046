"""Asking the catalog which products can go in a cart, and what they cost, over
its internal API.

Only the fields the cart needs are read (a tolerant reader): the catalog may
add fields without breaking the cart.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from shared.internal import InternalCallError, ServiceClient
from subgraphs.cart.service.cart import Listing, Price
from subgraphs.cart.service.errors import CatalogUnavailable


class _LookupRequest(BaseModel):
    ids: list[uuid.UUID]


class _Found(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    active: bool
    price: Decimal
    currency: str


class _Lookup(BaseModel):
    model_config = ConfigDict(extra="ignore")

    products: list[_Found]


class CatalogProducts:
    """The catalog as the cart's `ProductDirectory`."""

    def __init__(self, catalog: ServiceClient, timeout_seconds: float) -> None:
        self._catalog = catalog
        self._timeout = timeout_seconds

    async def lookup(self, product_ids: Sequence[str]) -> dict[str, Listing]:
        ids = [uuid.UUID(product_id) for product_id in product_ids]
        try:
            # One deadline over the retries: a shopper is waiting.
            async with asyncio.timeout(self._timeout):
                found = await self._catalog.post(
                    "/internal/products/lookup",
                    body=_LookupRequest(ids=ids),
                    response_model=_Lookup,
                    idempotent=True,
                )
        except (InternalCallError, TimeoutError) as error:
            raise CatalogUnavailable(str(error)) from error
        return {
            str(product.id): Listing(product.active, Price(product.price, product.currency))
            for product in found.products
        }
