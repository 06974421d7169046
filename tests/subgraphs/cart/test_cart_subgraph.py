"""The cart subgraph with a real catalog over HTTP: rules, ownership, failure."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from shared.devstack.process import free_port
from shared.graphql.ids import format_cart_item_id, parse_cart_item_id
from subgraphs.cart.ids import cart_id_for
from tests.subgraphs.cart.conftest import cart_with_catalog_at
from tests.support.services import RunningService, mint_token

ALICE = "aaaaaaaa-0000-4000-8000-000000000001"
BOB = "bbbbbbbb-0000-4000-8000-000000000002"

ADD = """
mutation Add($productId: ID!, $quantity: Int!) {
  addToCart(productId: $productId, quantity: $quantity) {
    cart { id totalQuantity items { quantity product { id } } }
    userErrors { field code message }
  }
}
"""
UPDATE = """
mutation Update($productId: ID!, $quantity: Int!) {
  updateCartItem(productId: $productId, quantity: $quantity) {
    cart { totalQuantity } userErrors { code }
  }
}
"""
CART = "query { cart { id totalQuantity items { quantity product { id } } } }"
ITEM_IDS = "query { cart { items { id product { id } } } }"
ITEM_ENTITIES = """
query Items($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on CartItem { id quantity } }
}
"""
ENTITIES = """
query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Cart { id totalQuantity }
    ... on User { cart { id } }
  }
}
"""


async def _product_ids(catalog: RunningService, count: int) -> list[str]:
    assert catalog.state.engine is not None
    async with catalog.state.engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT id FROM products ORDER BY sku LIMIT :n"), {"n": count}
        )
        return [str(row.id) for row in rows]


async def test_add_update_remove_follow_the_rules(
    cart: RunningService, catalog: RunningService
) -> None:
    alice = cart.graphql.as_user(mint_token(ALICE))
    first, second = await _product_ids(catalog, 2)
    added = (await alice.execute(ADD, {"productId": first, "quantity": 2})).ok()["addToCart"]
    assert added["userErrors"] == []
    assert added["cart"]["id"] == cart_id_for(ALICE)
    await alice.execute(ADD, {"productId": second, "quantity": 1})
    for quantity in (0, 100):
        bad = (await alice.execute(ADD, {"productId": first, "quantity": quantity})).ok()
        assert bad["addToCart"]["userErrors"][0]["code"] == "INVALID_INPUT"
    over = (await alice.execute(ADD, {"productId": first, "quantity": 98})).ok()["addToCart"]
    assert over["userErrors"][0]["code"] == "INVALID_INPUT" and over["cart"] is None
    updated = (await alice.execute(UPDATE, {"productId": first, "quantity": 0})).ok()
    assert updated["updateCartItem"]["cart"]["totalQuantity"] == 1
    missing = (await alice.execute(UPDATE, {"productId": first, "quantity": 3})).ok()
    assert missing["updateCartItem"]["userErrors"][0]["code"] == "NOT_FOUND"
    cleared = (await alice.execute("mutation { clearCart { cart { totalQuantity } } }")).ok()
    assert cleared["clearCart"]["cart"]["totalQuantity"] == 0


async def test_unknown_and_archived_products_are_not_found(
    cart: RunningService, catalog: RunningService
) -> None:
    alice = cart.graphql.as_user(mint_token(ALICE))
    (archived,) = await _product_ids(catalog, 1)
    assert catalog.state.engine is not None
    async with catalog.state.engine.begin() as connection:
        await connection.execute(
            text("UPDATE products SET active = false WHERE id = :id"), {"id": archived}
        )
    for product_id in (archived, str(uuid.uuid4()), "not-a-uuid"):
        result = (await alice.execute(ADD, {"productId": product_id, "quantity": 1})).ok()
        assert result["addToCart"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await alice.execute(CART)).ok()["cart"]["items"] == []


async def test_anonymous_calls_are_unauthenticated(cart: RunningService) -> None:
    result = await cart.graphql.execute(CART)
    assert result.error_codes == ["UNAUTHENTICATED"]
    add = await cart.graphql.execute(ADD, {"productId": str(uuid.uuid4()), "quantity": 1})
    assert add.error_codes == ["UNAUTHENTICATED"]


async def test_no_one_reaches_another_users_cart_through_entities(
    cart: RunningService, catalog: RunningService
) -> None:
    (product,) = await _product_ids(catalog, 1)
    alice = cart.graphql.as_user(mint_token(ALICE))
    await alice.execute(ADD, {"productId": product, "quantity": 1})
    bob = cart.graphql.as_user(mint_token(BOB))
    admin = cart.graphql.as_user(mint_token(BOB, roles=["CUSTOMER", "ADMIN"]))
    alices_cart = {"__typename": "Cart", "id": cart_id_for(ALICE)}
    for caller in (bob, admin):
        as_cart = await caller.execute(ENTITIES, {"representations": [alices_cart]})
        assert as_cart.ok()["_entities"] == [None]
        as_user = await caller.execute(
            ENTITIES, {"representations": [{"__typename": "User", "id": ALICE}]}
        )
        assert as_user.error_codes == ["FORBIDDEN"]
    own = await alice.execute(ENTITIES, {"representations": [alices_cart]})
    assert own.ok()["_entities"] == [{"id": cart_id_for(ALICE), "totalQuantity": 1}]


async def test_with_the_catalog_stopped_add_fails_cleanly_and_changes_nothing(
    cart: RunningService, catalog: RunningService, redis_url: str
) -> None:
    (product,) = await _product_ids(catalog, 1)
    alice_token = mint_token(ALICE)
    await cart.graphql.as_user(alice_token).execute(ADD, {"productId": product, "quantity": 1})
    closed_port = f"http://127.0.0.1:{free_port()}"
    async for stranded in cart_with_catalog_at(closed_port, redis_url):
        alice = stranded.graphql.as_user(alice_token)
        result = await alice.execute(ADD, {"productId": product, "quantity": 5})
        assert result.data is None
        assert result.error_codes == ["INTERNAL_SERVER_ERROR"]
        message = result.errors[0]["message"]
        assert "catalog" in message and "127.0.0.1" not in message and "Traceback" not in message
        after = (await alice.execute(CART)).ok()["cart"]
        assert [item["quantity"] for item in after["items"]] == [1]


def test_an_item_id_is_its_cart_and_product_and_anything_else_is_no_item_id() -> None:
    cart_id, product_id = cart_id_for(ALICE), str(uuid.uuid4())
    item_id = format_cart_item_id(cart_id, product_id)
    assert parse_cart_item_id(item_id) == (cart_id, product_id)
    for forged in ("", ":", cart_id, f"{cart_id}:", f":{product_id}"):
        assert parse_cart_item_id(forged) is None


async def _script_calls(cart: RunningService) -> int:
    """Lua script calls the cart's Redis has served (each cart read or change is one)."""
    stats = await cart.state.redis.info("commandstats")
    return sum(stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in ("evalsha", "eval"))


async def test_a_cart_pages_entities_read_the_cart_once(
    cart: RunningService, catalog: RunningService
) -> None:
    # Given Alice's cart of 20 lines
    products = await _product_ids(catalog, 20)
    alice = cart.graphql.as_user(mint_token(ALICE))
    for product in products:
        await alice.execute(ADD, {"productId": product, "quantity": 1})
    items = (await alice.execute(ITEM_IDS)).ok()["cart"]["items"]
    representations = [{"__typename": "CartItem", "id": item["id"]} for item in items] + [
        {"__typename": "Cart", "id": cart_id_for(ALICE)}
    ]
    # When the gateway asks for its 20 items and the cart as entities, in one request
    before = await _script_calls(cart)
    answer = await alice.execute(
        ITEM_ENTITIES.replace("quantity }", "quantity } ... on Cart { totalQuantity }"),
        {"representations": representations},
    )
    # Then all resolve, from one read of the cart
    assert len([e for e in answer.ok()["_entities"] if e]) == 21
    assert await _script_calls(cart) - before == 1


async def test_items_resolve_by_their_id_for_their_owner_only(
    cart: RunningService, catalog: RunningService
) -> None:
    # Given Alice's cart with one line, whose id the cart shows
    (product,) = await _product_ids(catalog, 1)
    alice = cart.graphql.as_user(mint_token(ALICE))
    await alice.execute(ADD, {"productId": product, "quantity": 2})
    (item,) = (await alice.execute(ITEM_IDS)).ok()["cart"]["items"]
    assert item["id"] == format_cart_item_id(cart_id_for(ALICE), product)
    # When the item is asked for by that id, and by ids naming nothing of hers
    forged = [
        format_cart_item_id(cart_id_for(ALICE), str(uuid.uuid4())),
        format_cart_item_id(cart_id_for(BOB), product),
        "no-separator",
        f"{cart_id_for(ALICE)}:",
    ]
    representations = [{"__typename": "CartItem", "id": i} for i in [item["id"], *forged]]
    as_alice = await alice.execute(ITEM_ENTITIES, {"representations": representations})
    # Then only her own line resolves, and Bob does not get it
    assert as_alice.ok()["_entities"] == [{"id": item["id"], "quantity": 2}] + [None] * 4
    bob = cart.graphql.as_user(mint_token(BOB))
    as_bob = await bob.execute(ITEM_ENTITIES, {"representations": representations[:1]})
    assert as_bob.ok()["_entities"] == [None]
