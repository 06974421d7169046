"""GraphQL types of the cart. `lineTotal` and `subtotal` are at the catalog's current prices."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

import strawberry
from aiodataloader import DataLoader
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet
from strawberry.types import Info

from shared.graphql.context import RequestContext
from shared.graphql.cost import at_most
from shared.graphql.errors import ApiError, ErrorCode, UserError, forbidden
from shared.graphql.ids import format_cart_item_id, parse_cart_item_id
from shared.graphql.loaders import batch_loader
from shared.graphql.money import Money, money
from subgraphs.cart.ids import cart_id_for
from subgraphs.cart.repository import StoredCart
from subgraphs.cart.service import CartService, CartServices, CatalogUnavailable
from subgraphs.cart.service.cart import Price

# The estimate's size of a cart: the default `max_lines` (subgraphs/cart/settings.py).
LINES_AT_MOST = 100

CartInfo = Info[RequestContext, None]


def cart_service(info: CartInfo) -> CartService:
    return info.context.parts_as(CartServices).carts


def stored_cart_loader(context: RequestContext) -> DataLoader:
    """The request's stored carts by user id: read from Redis once per request.

    The gateway asks for a cart page's items as entities (`CartItem`, `Cart`),
    each one resolved by its cart: without this, one Redis read per line.
    """
    carts = context.parts_as(CartServices).carts

    async def read(user_ids: Sequence[str]) -> list[StoredCart]:
        return list(await asyncio.gather(*(carts.read(user_id) for user_id in user_ids)))

    return batch_loader(read)


async def stored_cart(info: CartInfo, user_id: str) -> StoredCart:
    stored: StoredCart = await info.context.loader(stored_cart_loader).load(user_id)
    return stored


def price_loader(context: RequestContext) -> DataLoader:
    """The request's prices by product id: one catalog call for every line shown."""
    carts = context.parts_as(CartServices).carts

    async def load(product_ids: Sequence[str]) -> list[Price | None]:
        found = await carts.prices(product_ids)
        return [found.get(product_id) for product_id in product_ids]

    return batch_loader(load)


async def prices_of(info: CartInfo, product_ids: Sequence[str]) -> list[Price]:
    """Current prices, in order; an error when the catalog cannot say."""
    try:
        prices: list[Price | None] = await info.context.loader(price_loader).load_many(
            list(product_ids)
        )
    except CatalogUnavailable as error:
        raise ApiError(
            ErrorCode.INTERNAL_SERVER_ERROR,
            "The catalog is not answering; prices cannot be shown. Try again shortly.",
        ) from error
    known: list[Price] = []
    for product_id, price in zip(product_ids, prices, strict=True):
        if price is None:
            # Products are archived, never deleted: an unknown one is a fault, not input.
            raise LookupError(f"the catalog has no price for product {product_id}")
        known.append(price)
    return known


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class Product:
    """A product, resolved by the catalog."""

    id: strawberry.ID


@strawberry.federation.type(keys=["id"])
class CartItem:
    id: strawberry.ID
    product: Product
    quantity: int

    @strawberry.field(description="Current catalog price times quantity.")
    async def line_total(self, info: CartInfo) -> Money:
        (price,) = await prices_of(info, [self.product.id])
        return money(price.amount * self.quantity, price.currency)

    @classmethod
    async def resolve_reference(cls, info: CartInfo, id: str) -> CartItem | None:
        key = parse_cart_item_id(id)
        if key is None:
            return None
        cart = await Cart.resolve_reference(info, key.cart_id)
        if cart is None:
            return None
        return next((item for item in cart.items if item.product.id == key.product_id), None)


@strawberry.federation.type(keys=["id"])
class Cart:
    id: strawberry.ID
    items: list[CartItem] = strawberry.field(directives=[at_most(LINES_AT_MOST)])
    total_quantity: int
    updated_at: datetime

    @strawberry.field(description="Current catalog prices times quantities.")
    async def subtotal(self, info: CartInfo) -> Money:
        prices = await prices_of(info, [item.product.id for item in self.items])
        if not prices:
            return money(Decimal(0))
        total = sum(
            (price.amount * item.quantity for price, item in zip(prices, self.items, strict=True)),
            Decimal(0),
        )
        return money(total, prices[0].currency)

    @classmethod
    def build(cls, user_id: str, stored: StoredCart) -> Cart:
        cart_id = cart_id_for(user_id)
        return cls(
            id=strawberry.ID(cart_id),
            items=[
                CartItem(
                    id=strawberry.ID(format_cart_item_id(cart_id, line.product_id)),
                    product=Product(id=strawberry.ID(line.product_id)),
                    quantity=line.quantity,
                )
                for line in stored.lines
            ],
            total_quantity=sum(line.quantity for line in stored.lines),
            # A cart never changed has no stored time: it is as new as now.
            updated_at=stored.updated_at or datetime.now(UTC),
        )

    @classmethod
    async def resolve_reference(cls, info: CartInfo, id: str) -> Cart | None:
        user_id = info.context.require_user().subject
        if id != cart_id_for(user_id):
            # Someone else's cart: its existence is not ours to reveal.
            return None
        return cls.build(user_id, await stored_cart(info, user_id))


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, info: CartInfo, id: str) -> User:
        principal = info.context.require_user()
        if principal.subject != id:
            raise forbidden("You can only see your own cart.")
        return cls(id=strawberry.ID(id))

    @strawberry.field(description="The user's cart (the user themself only).")
    async def cart(self, info: CartInfo) -> Cart:
        principal = info.context.require_user()
        if principal.subject != self.id:
            raise forbidden("You can only see your own cart.")
        return Cart.build(principal.subject, await stored_cart(info, principal.subject))


@strawberry.type
class CartPayload:
    cart: Cart | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
