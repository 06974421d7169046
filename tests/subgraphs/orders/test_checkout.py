"""Checkout's main paths: paid, declined, and what is written for each."""

from __future__ import annotations

from decimal import Decimal

from tests.subgraphs.orders.support import ADMIN, Shop, buyer

UPDATE_PRICE = """
mutation Price($id: ID!) {
  updateProduct(id: $id, input: {price: "12.50"}) { userErrors { code } }
}
"""


async def test_checkout_pays_the_order_with_catalog_prices_and_commits_the_stock(
    shop: Shop,
) -> None:
    # given a cart of two products
    lamp = await shop.product(price="19.99", stock=5)
    bulb = await shop.product(price="0.10", stock=100)
    user_id, token = buyer()
    await shop.add_to_cart(token, lamp, 2)
    await shop.add_to_cart(token, bulb, 3)

    # when the buyer checks out
    payload = await shop.checkout(token)

    # then the order is paid, priced by the catalog plus shipping
    assert payload["userErrors"] == []
    order = payload["order"]
    assert order["status"] == "PAID"
    assert order["number"].startswith("MS-") and len(order["number"]) == 9
    assert order["subtotal"] == {"amount": "40.28", "currencyCode": "USD"}
    assert order["shippingCost"] == {"amount": "5.00"}
    assert order["total"] == {"amount": "45.28", "currencyCode": "USD"}
    assert [
        (i["product"]["id"], i["quantity"], i["lineTotal"]["amount"]) for i in order["items"]
    ] == [
        (lamp, 2, "39.98"),
        (bulb, 3, "0.30"),
    ]
    assert order["items"][0]["unitPrice"] == {"amount": "19.99"}
    assert order["items"][0]["name"].startswith("Lamp ")
    assert order["shippingAddress"]["city"] == "Springfield"
    assert order["shippingMethod"] == "STANDARD"
    assert [c["status"] for c in order["statusHistory"]] == ["PENDING_PAYMENT", "PAID"]
    assert order["user"] == {"id": user_id}
    # and stored as NUMERIC, the totals adding up exactly
    rows = await shop.sql("SELECT subtotal, shipping_cost, total, stock FROM orders")
    assert rows[0]["subtotal"] == Decimal("40.28")
    assert rows[0]["subtotal"] + rows[0]["shipping_cost"] == rows[0]["total"]
    assert rows[0]["stock"] == "COMMITTED"
    # and the units left the catalog for good
    assert await shop.stock(lamp) == (3, 0)
    assert await shop.stock(bulb) == (97, 0)
    assert await shop.reservation(order["id"]) == "COMMITTED"
    # and one charge of the total was made
    charges = await shop.charges()
    assert [Decimal(c["amount"]) for c in charges] == [Decimal("45.28")]
    # and the cart is told to give up the lines, shipping to ship the order
    placed = await shop.events("OrderPlaced")
    assert placed == [
        {
            "order_id": order["id"],
            "user_id": user_id,
            "lines": [
                {"product_id": lamp, "quantity": 2},
                {"product_id": bulb, "quantity": 3},
            ],
        }
    ]
    paid = await shop.events("OrderPaid")
    assert len(paid) == 1
    assert paid[0]["total"] == "45.28" and paid[0]["number"] == order["number"]
    assert paid[0]["shipping_address"]["postal_code"] == "12345"
    assert await shop.events("OrderPaymentFailed") == []


async def test_declined_card_fails_the_order_releases_the_stock_and_keeps_the_cart(
    shop: Shop,
) -> None:
    # given a cart
    lamp = await shop.product(stock=5)
    _, token = buyer()
    await shop.add_to_cart(token, lamp, 2)

    # when the card is declined
    payload = await shop.checkout(token, paymentToken="tok_chargeDeclined")

    # then the order is there, PAYMENT_FAILED, with the reason
    assert payload["order"]["status"] == "PAYMENT_FAILED"
    assert [e["code"] for e in payload["userErrors"]] == ["PAYMENT_DECLINED"]
    assert [c["status"] for c in payload["order"]["statusHistory"]] == [
        "PENDING_PAYMENT",
        "PAYMENT_FAILED",
    ]
    # and the stock went back
    assert await shop.stock(lamp) == (5, 0)
    assert await shop.reservation(payload["order"]["id"]) == "RELEASED"
    # and the cart is kept (no OrderPlaced), the failure announced
    assert await shop.events("OrderPlaced") == []
    failed = await shop.events("OrderPaymentFailed")
    assert [f["failure_code"] for f in failed] == ["card_declined"]
    assert await shop.cart_items(token) == [{"quantity": 2, "product": {"id": lamp}}]


async def test_insufficient_funds_is_a_declined_payment_too(shop: Shop) -> None:
    lamp = await shop.product()
    _, token = buyer()
    await shop.add_to_cart(token, lamp)

    payload = await shop.checkout(token, paymentToken="tok_insufficientFunds")

    assert payload["order"]["status"] == "PAYMENT_FAILED"
    assert [e["code"] for e in payload["userErrors"]] == ["PAYMENT_DECLINED"]
    assert "insufficient funds" in payload["userErrors"][0]["message"]
    rows = await shop.sql("SELECT failure_code FROM orders")
    assert rows[0]["failure_code"] == "insufficient_funds"


async def test_processing_error_is_retried_by_payments_into_one_charge(shop: Shop) -> None:
    lamp = await shop.product()
    _, token = buyer()
    await shop.add_to_cart(token, lamp)

    payload = await shop.checkout(token, paymentToken="tok_processingError")

    assert payload["order"]["status"] == "PAID"
    succeeded = [c for c in await shop.charges() if c["status"] == "succeeded"]
    assert len(succeeded) == 1


async def test_unknown_payment_token_fails_the_order_as_invalid_input(shop: Shop) -> None:
    lamp = await shop.product(stock=3)
    _, token = buyer()
    await shop.add_to_cart(token, lamp)

    payload = await shop.checkout(token, paymentToken="tok_nonsense")

    assert payload["order"]["status"] == "PAYMENT_FAILED"
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID_INPUT", ["paymentToken"])
    ]
    assert await shop.stock(lamp) == (3, 0)
    assert await shop.charges() == []


async def test_saved_lines_are_priced_at_the_catalog_price_of_the_moment(shop: Shop) -> None:
    # given a product whose price changes after it went into the cart
    lamp = await shop.product(price="10.00")
    _, token = buyer()
    await shop.add_to_cart(token, lamp)
    changed = await shop.catalog.graphql.as_user(ADMIN).execute(UPDATE_PRICE, {"id": lamp})
    assert changed.ok()["updateProduct"]["userErrors"] == []

    payload = await shop.checkout(token)

    assert payload["order"]["items"][0]["unitPrice"] == {"amount": "12.50"}
    assert payload["order"]["total"]["amount"] == "17.50"
