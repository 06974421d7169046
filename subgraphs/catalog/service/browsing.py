"""What the graph reads: product listings, look-ups by slug or SKU, the category
tree's top, and a product's stock trail. Each opens its own short session, and
runs its one statement without a transaction around it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.db.reading import reading, reading_rows
from shared.validation import lookup_text
from subgraphs.catalog import repository
from subgraphs.catalog.models import CategoryRow, StockMovementRow
from subgraphs.catalog.repository import ProductQuery
from subgraphs.catalog.repository.views import (
    ProductView,
    product_view_by,
    product_views_by_ids,
)
from subgraphs.catalog.service.validation import normalise_sku


class BrowsingService:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._db = sessionmaker

    async def product_by(
        self, *, slug: str | None = None, sku: str | None = None
    ) -> ProductView | None:
        """The product with this slug or SKU (archived ones too); None when a
        value holds what no stored one can (control characters)."""
        if sku is not None:
            wanted, column = lookup_text(normalise_sku(sku)), "sku"
        else:
            wanted, column = lookup_text(str(slug)), "slug"
        if wanted is None:
            return None
        async with reading_rows(self._db) as connection:
            return await product_view_by(connection, **{column: wanted})

    async def products_by_ids(self, ids: Sequence[uuid.UUID]) -> list[ProductView]:
        """Active and archived alike, as plain rows: carts and orders look them up."""
        async with reading_rows(self._db) as connection:
            return await product_views_by_ids(connection, ids)

    async def category_by_slug(self, slug: str) -> CategoryRow | None:
        wanted = lookup_text(slug)
        if wanted is None:
            return None
        async with reading(self._db) as session:
            return await repository.category_by_slug(session, wanted)

    async def root_categories(self) -> list[CategoryRow]:
        async with reading(self._db) as session:
            return await repository.root_categories(session)

    async def products(
        self, query: ProductQuery, limit: int, after_key: Sequence[Any] | None
    ) -> list[tuple[ProductView, list[Any]]]:
        """A page of the listing with each row's sort key; ValueError when
        `after_key` is not a key of this listing."""
        async with reading_rows(self._db) as connection:
            return await repository.list_products(connection, query, limit, after_key)

    async def count_products(self, query: ProductQuery) -> int:
        async with reading_rows(self._db) as connection:
            return await repository.count_products(connection, query)

    async def movements(
        self, product_id: uuid.UUID, limit: int, before_id: int | None
    ) -> list[StockMovementRow]:
        async with reading(self._db) as session:
            return await repository.movements_of(session, product_id, limit, before_id)

    async def count_movements(self, product_id: uuid.UUID) -> int:
        async with reading(self._db) as session:
            return await repository.count_movements(session, product_id)
