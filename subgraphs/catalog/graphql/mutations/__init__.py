"""The catalog's admin mutations, one module per group."""

from subgraphs.catalog.graphql.mutations.categories import CategoryMutations
from subgraphs.catalog.graphql.mutations.products import ProductMutations
from subgraphs.catalog.graphql.mutations.stock import StockMutations

__all__ = ["CategoryMutations", "ProductMutations", "StockMutations"]
