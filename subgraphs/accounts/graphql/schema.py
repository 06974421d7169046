"""The accounts subgraph schema."""

from strawberry.tools import merge_types

from shared.graphql.schema import build_schema
from subgraphs.accounts.graphql.mutations import (
    AddressMutations,
    AdminMutations,
    ClientMutations,
    ProfileMutations,
    SessionMutations,
)
from subgraphs.accounts.graphql.queries import Query
from subgraphs.accounts.graphql.types import User

Mutation = merge_types(
    "Mutation",
    (SessionMutations, ProfileMutations, AddressMutations, AdminMutations, ClientMutations),
)

schema = build_schema(query=Query, mutation=Mutation, types=[User])
