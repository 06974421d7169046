"""IDs are UUID strings; a malformed one is the caller's fault.

A cart line's id, `<cart_id>:<product_id>`, is made and read by the cart and by
the catalog (which prices the lines): both use the pair below.
"""

from __future__ import annotations

import uuid
from typing import NamedTuple

from shared.graphql.errors import bad_user_input
from shared.validation import parse_uuid

_CART_ITEM_SEPARATOR = ":"


def parse_id(value: str, argument: str = "id") -> uuid.UUID:
    parsed = parse_uuid(value)
    if parsed is None:
        raise bad_user_input(f"`{argument}` is not a valid ID.", argument=argument)
    return parsed


def try_parse_id(value: str) -> uuid.UUID | None:
    """For entity references and look-ups where a bad id simply finds nothing."""
    return parse_uuid(value)


class CartItemKey(NamedTuple):
    cart_id: str
    product_id: str


def format_cart_item_id(cart_id: str, product_id: str) -> str:
    return f"{cart_id}{_CART_ITEM_SEPARATOR}{product_id}"


def parse_cart_item_id(item_id: str) -> CartItemKey | None:
    """The parts of a line's id; None when it is not one (a forged id finds nothing)."""
    cart_id, separator, product_id = item_id.partition(_CART_ITEM_SEPARATOR)
    if not separator or not cart_id or not product_id:
        return None
    return CartItemKey(cart_id, product_id)
