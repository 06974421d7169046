"""The cart subgraph schema."""

from shared.graphql.schema import build_schema
from subgraphs.cart.graphql.mutations import Mutation
from subgraphs.cart.graphql.queries import Query
from subgraphs.cart.graphql.types import Cart, CartItem, Product, User

schema = build_schema(query=Query, mutation=Mutation, types=[Cart, CartItem, Product, User])
