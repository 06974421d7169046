"""The accounts subgraph schema."""

from shared.graphql.schema import build_schema
from subgraphs.accounts.graphql.mutations import Mutation
from subgraphs.accounts.graphql.queries import Query
from subgraphs.accounts.graphql.types import User

schema = build_schema(query=Query, mutation=Mutation, types=[User])
