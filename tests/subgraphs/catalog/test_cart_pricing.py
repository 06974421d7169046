"""The catalog prices the cart's lines (`@requires`): current prices, batched."""

from __future__ import annotations

import uuid
from decimal import Decimal

from shared.graphql.ids import format_cart_item_id
from tests.support.services import RunningService

PRODUCTS = "query { products(first: 40) { nodes { id price { amount } } } }"
CART_ENTITIES = """
query Cart($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Cart { id subtotal { amount currencyCode } items { id lineTotal { amount } } }
  }
}
"""
SUBTOTAL = """
query Subtotal($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Cart { subtotal { amount } } }
}
"""
ITEM_ENTITIES = """
query Items($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on CartItem { id lineTotal { amount } } }
}
"""
CART_ID = str(uuid.uuid4())


async def _products(service: RunningService) -> list[tuple[str, Decimal]]:
    nodes = (await service.graphql.execute(PRODUCTS)).ok()["products"]["nodes"]
    return [(node["id"], Decimal(node["price"]["amount"])) for node in nodes]


def _cart(lines: list[tuple[str, int]]) -> dict[str, object]:
    return {
        "__typename": "Cart",
        "id": CART_ID,
        "items": [{"quantity": quantity, "product": {"id": pid}} for pid, quantity in lines],
    }


async def test_subtotal_of_a_20_line_cart_is_one_catalog_statement(
    seeded: RunningService,
) -> None:
    products = (await _products(seeded))[:20]
    lines = [(pid, index % 3 + 1) for index, (pid, _) in enumerate(products)]
    with seeded.sql.counting() as sql:
        data = (await seeded.graphql.execute(SUBTOTAL, {"representations": [_cart(lines)]})).ok()
    expected = sum((price * (i % 3 + 1) for i, (_, price) in enumerate(products)), Decimal(0))
    assert Decimal(data["_entities"][0]["subtotal"]["amount"]) == expected
    assert len(sql) == 1, sql.statements


async def test_cart_lines_are_priced_with_their_ids(seeded: RunningService) -> None:
    products = (await _products(seeded))[:20]
    lines = [(pid, index % 3 + 1) for index, (pid, _) in enumerate(products)]
    with seeded.sql.counting() as sql:
        data = (
            await seeded.graphql.execute(CART_ENTITIES, {"representations": [_cart(lines)]})
        ).ok()
    cart = data["_entities"][0]
    expected = sum((price * (i % 3 + 1) for i, (_, price) in enumerate(products)), Decimal(0))
    assert Decimal(cart["subtotal"]["amount"]) == expected
    assert cart["subtotal"]["currencyCode"] == "USD"
    assert [item["id"] for item in cart["items"]] == [
        format_cart_item_id(CART_ID, pid) for pid, _ in lines
    ]
    assert [Decimal(item["lineTotal"]["amount"]) for item in cart["items"]] == [
        price * (i % 3 + 1) for i, (_, price) in enumerate(products)
    ]
    assert len(sql) == 1, sql.statements


async def test_line_totals_of_many_items_are_one_statement(seeded: RunningService) -> None:
    products = (await _products(seeded))[:30]
    representations = [
        {
            "__typename": "CartItem",
            "id": format_cart_item_id(CART_ID, pid),
            "quantity": 2,
            "product": {"id": pid},
        }
        for pid, _ in products
    ]
    with seeded.sql.counting() as sql:
        data = (
            await seeded.graphql.execute(ITEM_ENTITIES, {"representations": representations})
        ).ok()
    assert [Decimal(item["lineTotal"]["amount"]) for item in data["_entities"]] == [
        price * 2 for _, price in products
    ]
    assert len(sql) == 1, sql.statements


async def test_an_empty_cart_costs_zero_without_sql(seeded: RunningService) -> None:
    with seeded.sql.counting() as sql:
        data = (await seeded.graphql.execute(CART_ENTITIES, {"representations": [_cart([])]})).ok()
    assert data["_entities"][0]["subtotal"] == {"amount": "0.00", "currencyCode": "USD"}
    assert len(sql) == 0, sql.statements


async def test_a_line_of_an_unknown_product_cannot_be_priced(seeded: RunningService) -> None:
    (known, _), *_ = await _products(seeded)
    for unknown in (str(uuid.uuid4()), "not-an-id"):
        result = await seeded.graphql.execute(
            SUBTOTAL, {"representations": [_cart([(known, 1), (unknown, 1)])]}
        )
        assert result.error_codes == ["INTERNAL_SERVER_ERROR"]
