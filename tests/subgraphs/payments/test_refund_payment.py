"""refundPayment: full and partial refunds, never more than captured (also
under concurrency), idempotency keys, the PaymentRefunded event, who may refund,
and bad input that writes nothing."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from typing import Any

import pytest

from tests.subgraphs.payments.support import (
    ADMIN,
    BUYER,
    Processor,
    charge,
    events,
    paid,
    table_counts,
)
from tests.support.graphql import GraphQLResponse
from tests.support.services import RunningService

REFUND = """
mutation Refund($paymentId: ID!, $amount: Decimal, $reason: String!, $key: String) {
  refundPayment(paymentId: $paymentId, amount: $amount, reason: $reason, idempotencyKey: $key) {
    payment {
      id status amount { amount currencyCode } refundedAmount { amount }
      refunds { id amount { amount } reason status createdAt }
    }
    refund { id amount { amount } }
    userErrors { field message code }
  }
}
"""


async def refund(
    payments: RunningService, payment_id: str, token: str | None = ADMIN, **variables: Any
) -> GraphQLResponse:
    variables = {"paymentId": payment_id, "reason": "Damaged in transit", **variables}
    return await payments.graphql.as_user(token).execute(REFUND, variables)


def payload(result: GraphQLResponse) -> dict[str, Any]:
    data: dict[str, Any] = result.ok()["refundPayment"]
    return data


async def test_a_refund_without_amount_gives_everything_back(
    payments: RunningService, processor: Processor
) -> None:
    payment = await paid(payments, amount="80.00")

    result = payload(await refund(payments, payment["id"]))

    assert result["userErrors"] == []
    assert result["payment"]["status"] == "REFUNDED"
    assert result["payment"]["refundedAmount"] == {"amount": "80.00"}
    assert [(r["amount"]["amount"], r["status"]) for r in result["payment"]["refunds"]] == [
        ("80.00", "SUCCEEDED")
    ]
    assert (await processor.charges())[0]["refunded"] == "80.00"
    [event] = await events(payments, "PaymentRefunded")
    assert event == {
        "payment_id": payment["id"],
        "refund_id": result["refund"]["id"],
        "order_id": payment["order_id"],
        "user_id": payment["user_id"],
        "currency": "USD",
        "amount": "80.00",
        "refunded_total": "80.00",
        "captured": "80.00",
        "fully_refunded": True,
    }


async def test_partial_refunds_add_up_to_a_full_one(
    payments: RunningService, processor: Processor
) -> None:
    payment = await paid(payments, amount="100.00")

    first = payload(await refund(payments, payment["id"], amount="30.00"))
    second = payload(await refund(payments, payment["id"], amount="70.00"))

    assert first["payment"]["status"] == "PARTIALLY_REFUNDED"
    assert first["payment"]["refundedAmount"] == {"amount": "30.00"}
    assert second["payment"]["status"] == "REFUNDED"
    sent = await events(payments, "PaymentRefunded")
    assert [(e["amount"], e["refunded_total"], e["fully_refunded"]) for e in sent] == [
        ("30.00", "30.00", False),
        ("70.00", "100.00", True),
    ]


async def test_more_than_is_left_is_refused_and_nothing_is_written(
    payments: RunningService, processor: Processor
) -> None:
    payment = await paid(payments, amount="50.00")
    payload(await refund(payments, payment["id"], amount="20.00"))
    before = await table_counts(payments)

    result = payload(await refund(payments, payment["id"], amount="30.01"))

    assert result["payment"] is None
    assert [(e["code"], e["field"]) for e in result["userErrors"]] == [
        ("INVALID_STATE", ["amount"])
    ]
    assert await table_counts(payments) == before
    assert (await processor.charges())[0]["refunded"] == "20.00"


async def test_a_fully_refunded_or_failed_payment_cannot_be_refunded(
    payments: RunningService, processor: Processor
) -> None:
    refunded = await paid(payments)
    payload(await refund(payments, refunded["id"]))
    declined = (await charge(payments, payment_token="tok_chargeDeclined")).json()
    before = await table_counts(payments)

    again = payload(await refund(payments, refunded["id"]))
    failed = payload(await refund(payments, declined["id"]))

    assert [e["code"] for e in again["userErrors"]] == ["INVALID_STATE"]
    assert [e["code"] for e in failed["userErrors"]] == ["INVALID_STATE"]
    assert await table_counts(payments) == before


async def test_five_concurrent_refunds_of_forty_percent_never_exceed_the_payment(
    payments: RunningService, processor: Processor
) -> None:
    payment = await paid(payments, amount="100.00")

    results = await asyncio.gather(
        *(refund(payments, payment["id"], amount="40.00") for _ in range(5))
    )

    outcomes = [payload(r) for r in results]
    succeeded = [o for o in outcomes if not o["userErrors"]]
    assert len(succeeded) == 2
    assert {o["userErrors"][0]["code"] for o in outcomes if o["userErrors"]} == {"INVALID_STATE"}
    charge_at_processor = (await processor.charges())[0]
    assert Decimal(charge_at_processor["refunded"]) == Decimal("80.00")
    sent = await events(payments, "PaymentRefunded")
    assert sum(Decimal(e["amount"]) for e in sent) == Decimal("80.00")
    assert (await table_counts(payments))["refunds"] == 2


async def test_a_repeat_with_the_same_key_returns_the_same_refund(
    payments: RunningService, processor: Processor
) -> None:
    payment = await paid(payments, amount="60.00")

    first = payload(await refund(payments, payment["id"], amount="10.00", key="ticket-42"))
    again = payload(await refund(payments, payment["id"], amount="10.00", key="ticket-42"))

    assert again["refund"]["id"] == first["refund"]["id"]
    assert again["payment"]["refundedAmount"] == {"amount": "10.00"}
    assert (await table_counts(payments))["refunds"] == 1
    assert len(await events(payments, "PaymentRefunded")) == 1


async def test_an_unknown_payment_is_not_found(payments: RunningService) -> None:
    result = payload(await refund(payments, str(uuid.uuid4())))

    assert [(e["code"], e["field"]) for e in result["userErrors"]] == [("NOT_FOUND", ["paymentId"])]


async def test_customers_are_forbidden_and_anonymous_callers_unauthenticated(
    payments: RunningService, processor: Processor
) -> None:
    payment = await paid(payments)
    before = await table_counts(payments)

    customer = await refund(payments, payment["id"], token=BUYER)
    anonymous = await refund(payments, payment["id"], token=None)

    assert customer.error_codes == ["FORBIDDEN"]
    assert anonymous.error_codes == ["UNAUTHENTICATED"]
    assert await table_counts(payments) == before


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5.00"}, "amount"),
        ({"amount": "1.001"}, "amount"),
        ({"reason": ""}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason": "x" * 501}, "reason"),
        ({"reason": "broken\x00box"}, "reason"),
        ({"reason": "line\nbreak"}, "reason"),
        ({"key": "k\x00"}, "idempotencyKey"),
        ({"paymentId": "not-an-id"}, "paymentId"),
    ],
)
async def test_bad_input_is_invalid_and_writes_nothing(
    payments: RunningService, processor: Processor, variables: dict[str, Any], field: str
) -> None:
    payment = await paid(payments)
    before = await table_counts(payments)

    result = payload(await refund(payments, payment["id"], **variables))

    assert [(e["code"], e["field"]) for e in result["userErrors"]] == [("INVALID_INPUT", [field])]
    assert await table_counts(payments) == before
    assert (await processor.charges())[0]["refunded"] == "0.00"


@pytest.mark.parametrize("amount", ["ten dollars", "NaN", "Infinity", "1e400"])
async def test_an_amount_that_is_no_usable_decimal_is_a_bad_user_input(
    payments: RunningService, processor: Processor, amount: str
) -> None:
    payment = await paid(payments)
    before = await table_counts(payments)

    result = await refund(payments, payment["id"], amount=amount)

    assert result.error_codes == ["BAD_USER_INPUT"]
    assert await table_counts(payments) == before
