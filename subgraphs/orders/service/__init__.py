"""The orders service's rules and transactions."""

from subgraphs.orders.service.checkout import CheckoutService
from subgraphs.orders.service.components import OrdersServices
from subgraphs.orders.service.orders import OrderService
from subgraphs.orders.service.payment import CheckoutResult
from subgraphs.orders.service.recovery import RecoveryReport, RecoveryService
from subgraphs.orders.service.validation import CheckoutRequest, ShippingAddress, checked_checkout

__all__ = [
    "CheckoutRequest",
    "CheckoutResult",
    "CheckoutService",
    "OrderService",
    "OrdersServices",
    "RecoveryReport",
    "RecoveryService",
    "ShippingAddress",
    "checked_checkout",
]
