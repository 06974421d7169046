"""Orders after checkout through the gateway: who sees what, pages, cancel, return, refunds."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from tests.support.accounts import register
from tests.support.graphql import GraphQLClient
from tests.support.shop import (
    ORDER,
    add_to_cart,
    checkout,
    create_product,
    eventually,
    order_status,
    stock_of,
)

MY_ORDERS = """
query Mine($first: Int, $after: String) {
  me { orders(first: $first, after: $after) {
    totalCount nodes { id number status } pageInfo { hasNextPage endCursor }
  } }
}
"""
ADMIN_ORDERS = """
query All($status: OrderStatus, $first: Int) {
  orders(status: $status, first: $first) { totalCount nodes { id status user { id } } }
}
"""
CANCEL = """
mutation Cancel($id: ID!) {
  cancelOrder(id: $id) { order { id status statusHistory { status } } userErrors { field code } }
}
"""
RETURN = """
mutation Return($id: ID!, $reason: String!) {
  requestReturn(orderId: $id, reason: $reason) { order { id status } userErrors { code } }
}
"""
REFUND = """
mutation Refund($id: ID!, $amount: Decimal, $reason: String!) {
  refundPayment(paymentId: $id, amount: $amount, reason: $reason) {
    payment { id status refundedAmount { amount } refunds { amount { amount } reason } }
    userErrors { field code }
  }
}
"""
PAYMENTS = """
query Payments($id: ID!) {
  order(id: $id) { status payments { id status amount { amount } refundedAmount { amount } } }
}
"""


async def paid_order(
    gateway: GraphQLClient, admin_token: str, *, stock: int = 5, quantity: int = 1
) -> tuple[GraphQLClient, dict[str, Any], dict[str, Any]]:
    """A new shopper with one paid order: (shopper, order, product)."""
    product = await create_product(gateway.as_user(admin_token), stock=stock, price="20.00")
    _user_id, token = await register(gateway)
    buyer = gateway.as_user(token)
    await add_to_cart(buyer, product["id"], quantity)
    payload = await checkout(buyer)
    assert payload["userErrors"] == [], payload
    return buyer, payload["order"], product


async def payments_of(client: GraphQLClient, order_id: str) -> list[dict[str, Any]]:
    order = (await client.execute(PAYMENTS, {"id": order_id})).ok()["order"]
    return list(order["payments"])


async def test_an_order_is_seen_by_its_owner_and_admins_only(
    gateway: GraphQLClient, admin_token: str
) -> None:
    buyer, order, _ = await paid_order(gateway, admin_token)
    _other_id, other_token = await register(gateway, "Other")

    as_owner = (await buyer.execute(ORDER, {"id": order["id"]})).ok()["order"]
    as_other = (await gateway.as_user(other_token).execute(ORDER, {"id": order["id"]})).ok()
    as_admin = (await gateway.as_user(admin_token).execute(ORDER, {"id": order["id"]})).ok()
    anonymous = await gateway.execute(ORDER, {"id": order["id"]})

    assert as_owner["id"] == order["id"]
    assert as_other["order"] is None
    assert as_admin["order"]["id"] == order["id"]
    assert anonymous.error_codes == ["UNAUTHENTICATED"]


async def test_my_orders_are_newest_first_in_pages(
    gateway: GraphQLClient, admin_token: str
) -> None:
    buyer, first, product = await paid_order(gateway, admin_token, stock=10)
    numbers = [first["number"]]
    for _ in range(2):
        await add_to_cart(buyer, product["id"])
        numbers.append((await checkout(buyer))["order"]["number"])

    page = (await buyer.execute(MY_ORDERS, {"first": 2})).ok()["me"]["orders"]
    rest = (
        await buyer.execute(MY_ORDERS, {"first": 2, "after": page["pageInfo"]["endCursor"]})
    ).ok()["me"]["orders"]

    assert page["totalCount"] == 3
    assert [n["number"] for n in page["nodes"] + rest["nodes"]] == numbers[::-1]
    assert page["pageInfo"]["hasNextPage"] is True
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_admins_list_orders_by_status_and_customers_may_not(
    gateway: GraphQLClient, admin_token: str
) -> None:
    buyer, order, _ = await paid_order(gateway, admin_token)
    admin = gateway.as_user(admin_token)

    listed = (await admin.execute(ADMIN_ORDERS, {"status": "PAID", "first": 100})).ok()["orders"]
    as_customer = await buyer.execute(ADMIN_ORDERS, {"status": "PAID"})
    too_many = await admin.execute(ADMIN_ORDERS, {"first": 101})

    assert all(node["status"] == "PAID" for node in listed["nodes"])
    assert order["id"] in {node["id"] for node in listed["nodes"]}
    assert as_customer.error_codes == ["FORBIDDEN"]
    assert too_many.error_codes == ["BAD_USER_INPUT"]


async def test_cancelling_a_paid_order_refunds_it_and_gives_the_stock_back_once(
    gateway: GraphQLClient, admin_token: str
) -> None:
    buyer, order, product = await paid_order(gateway, admin_token, stock=4, quantity=3)
    assert await stock_of(gateway, product["id"]) == 1

    cancelled = (await buyer.execute(CANCEL, {"id": order["id"]})).ok()["cancelOrder"]
    again = (await buyer.execute(CANCEL, {"id": order["id"]})).ok()["cancelOrder"]

    assert cancelled["userErrors"] == []
    assert cancelled["order"]["status"] == "CANCELLED"
    assert again["order"]["status"] == "CANCELLED"
    assert await stock_of(gateway, product["id"]) == 4
    refunded = await eventually(
        lambda: payments_of(buyer, order["id"]),
        lambda payments: payments[0]["status"] == "REFUNDED",
        what="the payment to be refunded",
    )
    assert refunded[0]["refundedAmount"]["amount"] == refunded[0]["amount"]["amount"]
    assert await order_status(buyer, order["id"]) == "CANCELLED"


async def test_cancel_and_return_are_guarded_and_own_only(
    gateway: GraphQLClient, admin_token: str
) -> None:
    buyer, order, _ = await paid_order(gateway, admin_token)
    _other_id, other_token = await register(gateway, "Other")

    not_delivered = (await buyer.execute(RETURN, {"id": order["id"], "reason": "too big"})).ok()
    not_theirs = (await gateway.as_user(other_token).execute(CANCEL, {"id": order["id"]})).ok()
    anonymous = await gateway.execute(CANCEL, {"id": order["id"]})

    assert [e["code"] for e in not_delivered["requestReturn"]["userErrors"]] == ["INVALID_STATE"]
    assert [e["code"] for e in not_theirs["cancelOrder"]["userErrors"]] == ["NOT_FOUND"]
    assert anonymous.error_codes == ["UNAUTHENTICATED"]
    assert await order_status(buyer, order["id"]) == "PAID"


async def test_refunds_are_admin_only_never_exceed_the_capture_and_end_in_refunded(
    gateway: GraphQLClient, admin_token: str
) -> None:
    buyer, order, _ = await paid_order(gateway, admin_token)
    admin = gateway.as_user(admin_token)
    payment = (await payments_of(buyer, order["id"]))[0]
    total = Decimal(payment["amount"]["amount"])

    by_customer = await buyer.execute(REFUND, {"id": payment["id"], "reason": "mine"})
    too_much = (
        await admin.execute(REFUND, {"id": payment["id"], "amount": str(total + 1), "reason": "x"})
    ).ok()["refundPayment"]
    part = (
        await admin.execute(REFUND, {"id": payment["id"], "amount": "5.00", "reason": "scratch"})
    ).ok()["refundPayment"]
    rest = (await admin.execute(REFUND, {"id": payment["id"], "reason": "all of it"})).ok()[
        "refundPayment"
    ]
    after = (await admin.execute(REFUND, {"id": payment["id"], "reason": "more"})).ok()[
        "refundPayment"
    ]

    assert by_customer.error_codes == ["FORBIDDEN"]
    assert [e["code"] for e in too_much["userErrors"]] == ["INVALID_STATE"]
    assert part["payment"]["status"] == "PARTIALLY_REFUNDED"
    assert rest["payment"]["status"] == "REFUNDED"
    assert Decimal(rest["payment"]["refundedAmount"]["amount"]) == total
    assert [e["code"] for e in after["userErrors"]] == ["INVALID_STATE"]
    await eventually(
        lambda: order_status(buyer, order["id"]),
        lambda status: status == "REFUNDED",
        what="the order to follow its refunded payment",
    )


async def test_concurrent_refunds_of_one_payment_never_exceed_it(
    gateway: GraphQLClient, admin_token: str
) -> None:
    buyer, order, _ = await paid_order(gateway, admin_token)
    admin = gateway.as_user(admin_token)
    payment = (await payments_of(buyer, order["id"]))[0]
    share = (Decimal(payment["amount"]["amount"]) * Decimal("0.4")).quantize(Decimal("0.01"))

    results = await asyncio.gather(
        *(
            admin.execute(REFUND, {"id": payment["id"], "amount": str(share), "reason": "split"})
            for _ in range(5)
        )
    )

    succeeded = [r for r in results if r.ok()["refundPayment"]["userErrors"] == []]
    assert len(succeeded) == 2
    final = (await payments_of(admin, order["id"]))[0]
    assert Decimal(final["refundedAmount"]["amount"]) == share * 2
