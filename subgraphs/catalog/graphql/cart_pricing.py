"""Prices for the cart's types, contributed by the catalog.

The cart owns `Cart.items` and `CartItem.quantity/product`; the gateway hands
them to the catalog (`@requires`), which prices them at the current catalog
price. The cart never stores or trusts a price.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import strawberry

from shared.graphql.ids import format_cart_item_id, parse_id, try_parse_id
from shared.graphql.money import Money, money
from subgraphs.catalog.graphql.loaders import product_by_id_loader
from subgraphs.catalog.graphql.types import CatalogInfo, Product
from subgraphs.catalog.repository.views import ProductView


async def _prices_of(info: CatalogInfo, product_ids: Sequence[str]) -> list[Decimal]:
    """Current prices of the products, in order: one batch for all of them."""
    parsed = [try_parse_id(product_id) for product_id in product_ids]
    wanted = [product_id for product_id in parsed if product_id is not None]
    rows: list[ProductView | None] = await info.context.loader(product_by_id_loader).load_many(
        wanted
    )
    found = {row.id: row.price for row in rows if row is not None}
    prices = []
    for given, product_id in zip(product_ids, parsed, strict=True):
        if product_id is None or product_id not in found:
            # Products are archived, never deleted; an unknown id cannot be priced.
            raise LookupError(f"no product {given}")
        prices.append(found[product_id])
    return prices


@strawberry.federation.type(keys=["id"])
class CartItem:
    id: strawberry.ID
    quantity: int = strawberry.federation.field(external=True)
    product_id: strawberry.Private[str]

    @strawberry.federation.field(external=True)
    async def product(self, info: CatalogInfo) -> Product:
        row = await info.context.loader(product_by_id_loader).load(parse_id(self.product_id))
        return Product.from_row(row)

    @strawberry.federation.field(
        requires=["quantity product { id }"], description="Current catalog price times quantity."
    )
    async def line_total(self, info: CatalogInfo) -> Money:
        (price,) = await _prices_of(info, [self.product_id])
        return money(price * self.quantity)

    @classmethod
    def from_representation(cls, id: str, data: dict[str, Any]) -> CartItem:
        return cls(
            id=strawberry.ID(id),
            quantity=int(data.get("quantity") or 0),
            product_id=str((data.get("product") or {}).get("id", "")),
        )

    @classmethod
    def resolve_reference(cls, info: CatalogInfo, id: str, **fields: Any) -> CartItem:
        return cls.from_representation(id, fields)


@strawberry.federation.type(keys=["id"])
class Cart:
    id: strawberry.ID
    items: list[CartItem] = strawberry.federation.field(external=True)

    @strawberry.federation.field(
        requires=["items { quantity product { id } }"],
        description="Current catalog prices times quantities.",
    )
    async def subtotal(self, info: CatalogInfo) -> Money:
        prices = await _prices_of(info, [item.product_id for item in self.items])
        return money(
            sum((p * i.quantity for p, i in zip(prices, self.items, strict=True)), Decimal(0))
        )

    @classmethod
    def resolve_reference(
        cls, info: CatalogInfo, id: str, items: list[dict[str, Any]] | None = None
    ) -> Cart:
        lines = [
            CartItem.from_representation(
                format_cart_item_id(id, str((item.get("product") or {}).get("id"))), item
            )
            for item in items or []
        ]
        return cls(id=strawberry.ID(id), items=lines)
