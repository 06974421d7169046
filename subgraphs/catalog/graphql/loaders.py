"""Request-scoped DataLoaders of the catalog service."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from aiodataloader import DataLoader

from shared.graphql.context import RequestContext
from shared.graphql.loaders import batch_loader, by_key, grouped
from subgraphs.catalog import repository
from subgraphs.catalog.models import CategoryRow
from subgraphs.catalog.repository.reading import reading
from subgraphs.catalog.repository.views import ProductView, product_views_by_ids


def product_by_id_loader(context: RequestContext) -> DataLoader:
    """ProductByIdLoader: one query for every product id asked for in a tick."""

    async def load(ids: Sequence[uuid.UUID]) -> list[ProductView | None]:
        async with reading(context.db) as session:
            rows = await product_views_by_ids(session, ids)
        return by_key(ids, rows, lambda row: row.id)

    return batch_loader(load)


def category_by_id_loader(context: RequestContext) -> DataLoader:
    """CategoryByIdLoader: a page of products shares one query for its categories."""

    async def load(ids: Sequence[uuid.UUID]) -> list[CategoryRow | None]:
        async with reading(context.db) as session:
            rows = await repository.categories_by_ids(session, ids)
        return by_key(ids, rows, lambda row: row.id)

    return batch_loader(load)


def children_by_parent_loader(context: RequestContext) -> DataLoader:
    """CategoriesByParentLoader: children of many categories in one query."""

    async def load(parent_ids: Sequence[uuid.UUID]) -> list[list[CategoryRow]]:
        async with reading(context.db) as session:
            rows = await repository.children_of(session, parent_ids)
        return grouped(parent_ids, rows, lambda row: row.parent_id)  # type: ignore[arg-type,return-value]

    return batch_loader(load)
