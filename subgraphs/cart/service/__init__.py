"""Cart rules. Services raise `DomainError` for what the shopper can fix; the
GraphQL layer turns those into `userErrors`."""

from subgraphs.cart.service.cart import CartService, ProductDirectory
from subgraphs.cart.service.components import CartServices
from subgraphs.cart.service.errors import CatalogUnavailable

__all__ = ["CartService", "CartServices", "CatalogUnavailable", "ProductDirectory"]
