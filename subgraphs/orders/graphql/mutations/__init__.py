"""Orders mutations, one module per area."""

from subgraphs.orders.graphql.mutations.checkout import CheckoutMutations
from subgraphs.orders.graphql.mutations.orders import OrderMutations

__all__ = ["CheckoutMutations", "OrderMutations"]
