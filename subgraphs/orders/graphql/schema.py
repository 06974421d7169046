"""The orders subgraph schema."""

from strawberry.tools import merge_types

from shared.graphql.schema import build_schema
from subgraphs.orders.graphql.mutations import CheckoutMutations, OrderMutations
from subgraphs.orders.graphql.queries import Query
from subgraphs.orders.graphql.types import Order, User

Mutation = merge_types("Mutation", (CheckoutMutations, OrderMutations))

schema = build_schema(query=Query, mutation=Mutation, types=[Order, User])
