"""The shipping admin mutations."""

from subgraphs.shipping.graphql.mutations.shipments import ShipmentMutations

__all__ = ["ShipmentMutations"]
