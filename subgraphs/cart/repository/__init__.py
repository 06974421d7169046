"""The cart's Redis store (its primary store, not a cache), one module per aggregate."""

from subgraphs.cart.repository.carts import (
    LINE_LIMIT,
    LINE_MISSING,
    OK,
    QUANTITY_LIMIT,
    CartStore,
    ChangeResult,
    StoredCart,
    StoredLine,
)

__all__ = [
    "LINE_LIMIT",
    "LINE_MISSING",
    "OK",
    "QUANTITY_LIMIT",
    "CartStore",
    "ChangeResult",
    "StoredCart",
    "StoredLine",
]
