"""The payments subgraph schema."""

from strawberry.tools import merge_types

from shared.graphql.schema import build_schema
from subgraphs.payments.graphql.mutations import RefundMutations
from subgraphs.payments.graphql.queries import Query
from subgraphs.payments.graphql.types import Order, Payment

Mutation = merge_types("Mutation", (RefundMutations,))

schema = build_schema(query=Query, mutation=Mutation, types=[Payment, Order])
