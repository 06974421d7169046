"""The cart's id, derived from its owner, so a cart needs no record of its own.

A line's id (`<cart_id>:<product_id>`) is shared with the catalog, which prices
the lines: its format/parse pair lives in shared/graphql/ids.py.
"""

from __future__ import annotations

import uuid

CART_NAMESPACE = uuid.UUID("6f1d7f4e-3c2a-4b43-9a55-0c7e2b6b1a10")


def cart_id_for(user_id: str) -> str:
    return str(uuid.uuid5(CART_NAMESPACE, user_id))
