"""checkout (user): the signed-in user's cart becomes a paid order."""

from __future__ import annotations

import strawberry

from shared.errors import DomainError
from shared.graphql.errors import user_errors
from subgraphs.orders.graphql.common import OrdersInfo, services, signed_in_user
from subgraphs.orders.graphql.inputs import CheckoutInput
from subgraphs.orders.graphql.payloads import CheckoutPayload
from subgraphs.orders.graphql.types import Order
from subgraphs.orders.service import ShippingAddress, checked_checkout


def _address(input: CheckoutInput) -> ShippingAddress | None:
    given = input.shipping_address
    if given is None:
        return None
    return ShippingAddress(
        full_name=given.full_name,
        line1=given.line1,
        line2=given.line2,
        city=given.city,
        region=given.region,
        postal_code=given.postal_code,
        country=given.country,
        phone=given.phone,
    )


@strawberry.type
class CheckoutMutations:
    @strawberry.mutation(
        description="(user) Order what is in your cart, priced by the catalog, and pay for it. "
        "userErrors: CART_EMPTY, OUT_OF_STOCK, PRODUCT_UNAVAILABLE, INVALID_INPUT, NOT_FOUND "
        "(addressId), IDEMPOTENCY_KEY_REUSED, CHECKOUT_IN_PROGRESS, SERVICE_UNAVAILABLE; with "
        "the PAYMENT_FAILED order: PAYMENT_DECLINED, PAYMENT_UNAVAILABLE, INVALID_INPUT "
        "(paymentToken). An order still PENDING_PAYMENT is being settled."
    )
    async def checkout(self, info: OrdersInfo, input: CheckoutInput) -> CheckoutPayload:
        user_id = signed_in_user(info)
        try:
            request = checked_checkout(
                address=_address(input),
                address_id=str(input.address_id) if input.address_id is not None else None,
                shipping_method=input.shipping_method,
                payment_token=input.payment_token,
                idempotency_key=input.idempotency_key,
            )
            result = await services(info).checkout.checkout(user_id, request)
        except DomainError as error:
            return CheckoutPayload(user_errors=user_errors(error))
        return CheckoutPayload(
            order=Order.from_row(result.order) if result.order is not None else None,
            user_errors=user_errors(result.error) if result.error is not None else [],
        )
