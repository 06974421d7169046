"""Cart mutations: each changes the caller's own cart only, atomically."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry

from shared.errors import DomainError
from shared.graphql.errors import ApiError, ErrorCode, user_errors
from subgraphs.cart.graphql.types import Cart, CartInfo, CartPayload, cart_service, price_loader
from subgraphs.cart.service import CatalogUnavailable
from subgraphs.cart.service.cart import ChangedCart


async def _change(info: CartInfo, change: Callable[[str], Awaitable[ChangedCart]]) -> CartPayload:
    user_id = info.context.require_user().subject
    try:
        changed = await change(user_id)
    except DomainError as error:
        return CartPayload(user_errors=user_errors(error))
    except CatalogUnavailable as error:
        raise ApiError(
            ErrorCode.INTERNAL_SERVER_ERROR,
            "The catalog is not answering; the cart was not changed. Try again shortly.",
        ) from error
    prices = info.context.loader(price_loader)
    for product_id, price in changed.prices.items():
        prices.prime(product_id, price)
    return CartPayload(cart=Cart.build(user_id, changed.cart))


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Add a product (NOT_FOUND: unknown or archived product; "
        "INVALID_INPUT: quantity outside 1..99 per line, or more than 100 lines)."
    )
    async def add_to_cart(
        self, info: CartInfo, product_id: strawberry.ID, quantity: int = 1
    ) -> CartPayload:
        service = cart_service(info)
        return await _change(info, lambda user: service.add(user, str(product_id), quantity))

    @strawberry.mutation(
        description="Set a line's quantity; 0 removes it (NOT_FOUND: not in the cart; "
        "INVALID_INPUT: quantity outside 0..99)."
    )
    async def update_cart_item(
        self, info: CartInfo, product_id: strawberry.ID, quantity: int
    ) -> CartPayload:
        service = cart_service(info)
        return await _change(info, lambda user: service.update(user, str(product_id), quantity))

    @strawberry.mutation(description="Remove a line (NOT_FOUND: not in the cart).")
    async def remove_from_cart(self, info: CartInfo, product_id: strawberry.ID) -> CartPayload:
        service = cart_service(info)
        return await _change(info, lambda user: service.remove(user, str(product_id)))

    @strawberry.mutation(description="Empty the cart.")
    async def clear_cart(self, info: CartInfo) -> CartPayload:
        service = cart_service(info)
        return await _change(info, service.clear)
