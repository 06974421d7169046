"""Order.payments and Payment through federation: batched, and shown to the
buyer and admins only."""

from __future__ import annotations

from typing import Any

from tests.subgraphs.payments.support import (
    ADMIN,
    BUYER,
    OTHER,
    OTHER_ID,
    Processor,
    paid,
)
from tests.support.services import RunningService

ORDER_PAYMENTS = """
query Orders($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Order {
      id
      payments {
        id status amount { amount currencyCode } cardBrand cardLast4 failureCode
        refundedAmount { amount } refunds { id } createdAt order { id }
      }
    }
  }
}
"""
PAYMENT_ENTITY = """
query Payment($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Payment { id status order { id } } }
}
"""
PAYMENT = "query P($id: ID!) { payment(id: $id) { id status } }"


def orders(*order_ids: str) -> dict[str, Any]:
    return {"representations": [{"__typename": "Order", "id": i} for i in order_ids]}


async def test_payments_of_many_orders_load_in_one_statement_each(
    payments: RunningService, processor: Processor
) -> None:
    # given three orders of the buyer
    mine = [await paid(payments) for _ in range(3)]

    # when the gateway asks for their payments (with refunds) at once
    with payments.sql.counting() as counted:
        result = await payments.graphql.as_user(BUYER).execute(
            ORDER_PAYMENTS, orders(*(p["order_id"] for p in mine))
        )

    # then one statement for the payments and one for their refunds
    entities = result.ok()["_entities"]
    assert [[p["id"] for p in e["payments"]] for e in entities] == [[p["id"]] for p in mine]
    assert entities[0]["payments"][0]["order"] == {"id": mine[0]["order_id"]}
    assert entities[0]["payments"][0]["cardLast4"] == "4242"
    assert len(counted) == 2, counted.statements


async def test_someone_elses_order_payments_are_an_empty_list(
    payments: RunningService, processor: Processor
) -> None:
    mine = await paid(payments)
    theirs = await paid(payments, user_id=OTHER_ID)
    variables = orders(mine["order_id"], theirs["order_id"])

    as_buyer = (await payments.graphql.as_user(BUYER).execute(ORDER_PAYMENTS, variables)).ok()
    as_admin = (await payments.graphql.as_user(ADMIN).execute(ORDER_PAYMENTS, variables)).ok()
    anonymous = (await payments.graphql.execute(ORDER_PAYMENTS, variables)).ok()

    assert [len(e["payments"]) for e in as_buyer["_entities"]] == [1, 0]
    assert [len(e["payments"]) for e in as_admin["_entities"]] == [1, 1]
    assert [len(e["payments"]) for e in anonymous["_entities"]] == [0, 0]


async def test_a_payment_resolves_for_its_buyer_and_admins_only(
    payments: RunningService, processor: Processor
) -> None:
    payment = await paid(payments)
    reference = {"representations": [{"__typename": "Payment", "id": payment["id"]}]}

    buyer = await payments.graphql.as_user(BUYER).execute(PAYMENT_ENTITY, reference)
    admin = await payments.graphql.as_user(ADMIN).execute(PAYMENT, {"id": payment["id"]})
    other = await payments.graphql.as_user(OTHER).execute(PAYMENT_ENTITY, reference)
    other_query = await payments.graphql.as_user(OTHER).execute(PAYMENT, {"id": payment["id"]})
    forged = await payments.graphql.as_user(BUYER).execute(PAYMENT, {"id": "x\x00y"})

    assert buyer.ok()["_entities"] == [
        {"id": payment["id"], "status": "SUCCEEDED", "order": {"id": payment["order_id"]}}
    ]
    assert admin.ok()["payment"]["id"] == payment["id"]
    assert other.ok()["_entities"] == [None]
    assert other_query.ok()["payment"] is None
    assert forged.ok()["payment"] is None


async def test_the_payment_query_needs_a_signed_in_user(payments: RunningService) -> None:
    result = await payments.graphql.execute(PAYMENT, {"id": "00000000-0000-0000-0000-000000000001"})

    assert result.error_codes == ["UNAUTHENTICATED"]
