"""Request-scoped DataLoaders of the catalog service: one SQL statement per batch."""

from __future__ import annotations

from aiodataloader import DataLoader

from shared.graphql.context import RequestContext
from shared.graphql.loaders import many_per_key, one_per_key, one_row_per_key
from subgraphs.catalog import repository
from subgraphs.catalog.repository.views import product_views_by_ids


def product_by_id_loader(context: RequestContext) -> DataLoader:
    """ProductByIdLoader: one query for every product id asked for in a tick."""
    return one_row_per_key(context, product_views_by_ids, lambda row: row.id)


def category_by_id_loader(context: RequestContext) -> DataLoader:
    """CategoryByIdLoader: a page of products shares one query for its categories."""
    return one_per_key(context, repository.categories_by_ids, lambda row: row.id)


def children_by_parent_loader(context: RequestContext) -> DataLoader:
    """CategoriesByParentLoader: children of many categories in one query."""
    return many_per_key(context, repository.children_of, lambda row: row.parent_id)
