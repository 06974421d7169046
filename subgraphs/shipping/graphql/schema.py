"""The shipping subgraph schema."""

from strawberry.tools import merge_types

from shared.graphql.schema import build_schema
from subgraphs.shipping.graphql.mutations import ShipmentMutations
from subgraphs.shipping.graphql.queries import Query
from subgraphs.shipping.graphql.types import Order, Shipment

Mutation = merge_types("Mutation", (ShipmentMutations,))

schema = build_schema(query=Query, mutation=Mutation, types=[Shipment, Order])
