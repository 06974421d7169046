"""The notifications subgraph schema."""

from strawberry.tools import merge_types

from shared.graphql.schema import build_schema
from subgraphs.notifications.graphql.mutations import PreferenceMutations
from subgraphs.notifications.graphql.queries import Query
from subgraphs.notifications.graphql.types import User

Mutation = merge_types("Mutation", (PreferenceMutations,))

schema = build_schema(query=Query, mutation=Mutation, types=[User])
