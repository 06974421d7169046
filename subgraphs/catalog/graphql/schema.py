"""The catalog subgraph schema."""

from strawberry.tools import merge_types

from shared.graphql.schema import build_schema
from subgraphs.catalog.graphql.mutations import (
    CategoryMutations,
    ProductMutations,
    StockMutations,
)
from subgraphs.catalog.graphql.queries import Query
from subgraphs.catalog.graphql.types import Category, Product, User

Mutation = merge_types("Mutation", (ProductMutations, CategoryMutations, StockMutations))

schema = build_schema(query=Query, mutation=Mutation, types=[Product, Category, User])
