"""The ids the cart shows: a cart's, derived from its owner, and a line's, `<cart_id>:<product_id>`.

Cart ids are derived from the owner's id, so a cart needs no record of its own.
Every place that writes or reads a line's id goes through this pair.
"""

from __future__ import annotations

import uuid
from typing import NamedTuple

CART_NAMESPACE = uuid.UUID("6f1d7f4e-3c2a-4b43-9a55-0c7e2b6b1a10")
_SEPARATOR = ":"


def cart_id_for(user_id: str) -> str:
    return str(uuid.uuid5(CART_NAMESPACE, user_id))


class CartItemKey(NamedTuple):
    cart_id: str
    product_id: str


def format_cart_item_id(cart_id: str, product_id: str) -> str:
    return f"{cart_id}{_SEPARATOR}{product_id}"


def parse_cart_item_id(item_id: str) -> CartItemKey | None:
    """The parts of a line's id; None when it is not one (a forged id finds nothing)."""
    cart_id, separator, product_id = item_id.partition(_SEPARATOR)
    if not separator or not cart_id or not product_id:
        return None
    return CartItemKey(cart_id, product_id)
