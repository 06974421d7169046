"""Business rules of the shipping service: each service owns its transactions and events."""

from subgraphs.shipping.service.components import ShippingServices

__all__ = ["ShippingServices"]
