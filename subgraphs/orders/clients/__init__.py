"""The services checkout calls, over their internal APIs: one module per peer.

Each reads only the fields orders needs (tolerant readers) and turns the
peer's answers into the exceptions of `errors`.
"""

from subgraphs.orders.clients.accounts import AccountsClient
from subgraphs.orders.clients.cart import CartClient
from subgraphs.orders.clients.catalog import CatalogClient
from subgraphs.orders.clients.payments import PaymentsClient
from subgraphs.orders.clients.shipping import ShippingClient

__all__ = ["AccountsClient", "CartClient", "CatalogClient", "PaymentsClient", "ShippingClient"]
