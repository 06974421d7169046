"""GraphQL inputs of the orders service."""

from __future__ import annotations

import strawberry


@strawberry.input
class OrderAddressInput:
    full_name: str
    line1: str
    city: str
    postal_code: str
    country: str = strawberry.field(description="ISO 3166-1 alpha-2, e.g. US or DE.")
    line2: str | None = None
    region: str | None = None
    phone: str | None = None


@strawberry.input
class CheckoutInput:
    shipping_method: str = strawberry.field(description="A shipping method code, e.g. STANDARD.")
    payment_token: str = strawberry.field(description="A payment processor token.")
    idempotency_key: str = strawberry.field(
        description="Same key, same order: a repeat never charges again (1 to 100 characters)."
    )
    shipping_address: OrderAddressInput | None = strawberry.field(
        default=None, description="Where to ship; or `addressId` of a saved address."
    )
    address_id: strawberry.ID | None = None
