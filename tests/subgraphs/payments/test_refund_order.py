"""refund-order for cancellations and returns: everything still captured, once
per key; pending refunds and payments finished later."""

from __future__ import annotations

import uuid
from datetime import timedelta

from subgraphs.payments.processor.app import create_app
from subgraphs.payments.service import PaymentsServices
from tests.subgraphs.payments.support import (
    ADMIN,
    Processor,
    charge,
    charge_body,
    events,
    orders_headers,
    paid,
    refund_order,
    serve_processor,
    sql,
    table_counts,
)
from tests.support.services import RunningService

PARTIAL = """
mutation Refund($paymentId: ID!) {
  refundPayment(paymentId: $paymentId, amount: "30.00", reason: "Scratched") {
    userErrors { code }
  }
}
"""


async def test_refund_order_gives_back_what_is_still_captured_once_per_key(
    payments: RunningService, processor: Processor
) -> None:
    # given a payment of 100 already refunded 30
    payment = await paid(payments, amount="100.00")
    await payments.graphql.as_user(ADMIN).execute(PARTIAL, {"paymentId": payment["id"]})
    body = {"order_id": payment["order_id"], "reason": "Order cancelled", "idempotency_key": "c-1"}

    # when orders refunds the order, twice with the same key
    first = await refund_order(payments, **body)
    again = await refund_order(payments, **body)

    # then the remaining 70 went back once
    assert first.status_code == 200, first.text
    answer = first.json()
    assert answer["amount"] == "70.00" and answer["refund_id"]
    assert answer["payment"]["status"] == "REFUNDED"
    assert answer["payment"]["refunded_amount"] == "100.00"
    assert again.json() == answer
    assert (await table_counts(payments))["refunds"] == 2
    assert (await processor.charges())[0]["refunded"] == "100.00"
    assert [e["amount"] for e in await events(payments, "PaymentRefunded")] == ["30.00", "70.00"]

    # and another key finds nothing left
    other = await refund_order(payments, **{**body, "idempotency_key": "c-2"})
    assert (other.json()["refund_id"], other.json()["amount"]) == (None, "0.00")


async def test_refund_order_of_a_declined_payment_refunds_nothing(
    payments: RunningService, processor: Processor
) -> None:
    declined = (await charge(payments, payment_token="tok_insufficientFunds")).json()

    response = await refund_order(
        payments, order_id=declined["order_id"], reason="Cancelled", idempotency_key="k"
    )

    assert response.status_code == 200
    assert response.json() == {"payment": declined, "refund_id": None, "amount": "0.00"}
    assert (await table_counts(payments))["refunds"] == 0


async def test_refund_order_without_a_payment_is_not_found(payments: RunningService) -> None:
    response = await refund_order(
        payments, order_id=str(uuid.uuid4()), reason="Cancelled", idempotency_key="k"
    )

    assert (response.status_code, response.json()["error"]["code"]) == (404, "NOT_FOUND")


async def test_refund_order_refuses_bad_reasons(
    payments: RunningService, processor: Processor
) -> None:
    payment = await paid(payments)

    nul = await refund_order(
        payments, order_id=payment["order_id"], reason="a\x00b", idempotency_key="k"
    )
    empty = await refund_order(
        payments, order_id=payment["order_id"], reason="", idempotency_key="k"
    )

    assert (nul.status_code, nul.json()["error"]["code"]) == (422, "INVALID_INPUT")
    assert (empty.status_code, empty.json()["error"]["code"]) == (422, "INVALID_REQUEST")
    assert (await table_counts(payments))["refunds"] == 0


async def test_a_refund_the_processor_did_not_answer_stays_pending_and_is_finished_later(
    payments_without_processor: RunningService, processor_port: int
) -> None:
    payments = payments_without_processor
    app = create_app()
    async with serve_processor(processor_port, app):
        payment = await paid(payments, amount="40.00")
    body = {"order_id": payment["order_id"], "reason": "Cancelled", "idempotency_key": "k-1"}

    # when the processor is down during the refund
    response = await refund_order(payments, **body)

    # then its outcome is unknown: 503, the refund PENDING and holding its amount
    assert (response.status_code, response.json()["error"]["code"]) == (503, "UNAVAILABLE")
    assert [r[0] for r in await sql(payments, "SELECT status FROM refunds")] == ["PENDING"]
    assert await events(payments, "PaymentRefunded") == []

    # and once it is back the sweep finishes it, and the repeat returns it
    async with serve_processor(processor_port, app) as processor:
        services = payments.state.parts_as(PaymentsServices)
        assert await services.refunds.settle_pending(timedelta(0)) == 1
        again = await refund_order(payments, **body)
        assert again.status_code == 200
        assert (again.json()["amount"], again.json()["payment"]["status"]) == ("40.00", "REFUNDED")
        assert (await processor.charges())[0]["refunded"] == "40.00"
    assert len(await events(payments, "PaymentRefunded")) == 1


async def test_refund_order_settles_a_pending_payment_first(
    payments: RunningService, processor: Processor
) -> None:
    # given a charge whose answer never arrived in time
    await processor.delay(seconds=1.0, count=3)
    body = charge_body(amount="15.00")
    response = await payments.http.post("/internal/payments", json=body, headers=orders_headers())
    assert response.status_code == 503

    # when the order is cancelled
    refunded = await refund_order(
        payments, order_id=body["order_id"], reason="Cancelled", idempotency_key="k"
    )

    # then the captured money is found and given back
    assert refunded.status_code == 200, refunded.text
    assert refunded.json()["amount"] == "15.00"
    assert refunded.json()["payment"]["status"] == "REFUNDED"
