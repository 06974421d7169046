"""Cart queries."""

from __future__ import annotations

import strawberry

from subgraphs.cart.graphql.types import Cart, CartInfo, stored_cart


@strawberry.type
class Query:
    @strawberry.field(description="The signed-in user's cart.")
    async def cart(self, info: CartInfo) -> Cart:
        user_id = info.context.require_user().subject
        return Cart.build(user_id, await stored_cart(info, user_id))
