"""The catalog subgraph schema."""

from shared.graphql.schema import build_schema
from subgraphs.catalog.graphql.queries import Query
from subgraphs.catalog.graphql.types import Category, Product, User

schema = build_schema(query=Query, types=[Product, Category, User])
