"""The cart's internal API: checkout reads what a user is about to order.

Only the orders service reaches it (a service token, never through the gateway):

    GET /internal/carts/{user_id}   the user's lines, in cart order (none: empty)

Reading changes nothing; the lines leave the cart when OrderPlaced arrives.
"""

from __future__ import annotations

import uuid

from fastapi import Request

from shared.app import service_parts
from shared.internal import internal_router
from subgraphs.cart.internal.models import CartContents
from subgraphs.cart.service import CartServices

AUDIENCE = "cart"
carts_router = internal_router(audience=AUDIENCE, allowed_callers={"orders"})


@carts_router.get(
    "/carts/{user_id}",
    response_model=CartContents,
    summary="A user's cart: products and quantities in the order they were added",
    description="A user without a cart has no lines (never 404). 422 INVALID_REQUEST "
    "when the user id is not a UUID.",
)
async def read_cart(user_id: uuid.UUID, request: Request) -> CartContents:
    # Carts are keyed by the canonical form of the id, as in the users' tokens.
    stored = await service_parts(request, CartServices).carts.read(str(user_id))
    return CartContents.from_stored(user_id, stored)
