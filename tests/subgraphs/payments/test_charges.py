"""Charging orders through the internal API: every token's outcome, one charge
per order whatever the repeats, concurrency, timeouts and outages."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from subgraphs.payments.processor.app import create_app
from tests.subgraphs.payments.support import (
    BUYER_ID,
    Processor,
    by_order,
    charge,
    charge_body,
    orders_headers,
    serve_processor,
    sql,
    table_counts,
)
from tests.support.services import RunningService


@pytest.mark.parametrize(
    ("token", "status", "failure_code", "brand", "last4"),
    [
        ("tok_visa", "SUCCEEDED", None, "visa", "4242"),
        ("tok_mastercard", "SUCCEEDED", None, "mastercard", "4444"),
        ("tok_chargeDeclined", "FAILED", "card_declined", "visa", "0002"),
        ("tok_insufficientFunds", "FAILED", "insufficient_funds", "visa", "9995"),
        ("tok_processingError", "SUCCEEDED", None, "visa", "0119"),
    ],
)
async def test_each_token_ends_in_its_outcome_with_one_charge(
    payments: RunningService,
    processor: Processor,
    token: str,
    status: str,
    failure_code: str | None,
    brand: str,
    last4: str,
) -> None:
    # given a checkout paying with this token
    body = charge_body(payment_token=token, amount="12.34")

    # when orders charges it
    response = await payments.http.post("/internal/payments", json=body, headers=orders_headers())

    # then the answer is the recorded payment, and the processor charged once
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer == {
        "id": answer["id"],
        "order_id": body["order_id"],
        "user_id": BUYER_ID,
        "status": status,
        "amount": "12.34",
        "currency": "USD",
        "refunded_amount": "0.00",
        "failure_code": failure_code,
        "card_brand": brand,
        "card_last4": last4,
    }
    assert len(await processor.charges()) == 1
    rows = await sql(payments, "SELECT status, processor_charge_id FROM payments")
    assert rows[0]["status"] == status and rows[0]["processor_charge_id"]


@pytest.mark.parametrize("token", ["tok_unknown", "tok_", "visa", "tok_visa\x00", "x" * 150])
async def test_an_unknown_token_is_refused_and_nothing_is_recorded(
    payments: RunningService, processor: Processor, token: str
) -> None:
    response = await charge(payments, payment_token=token)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "INVALID_PAYMENT_TOKEN"
    assert (await table_counts(payments))["payments"] == 0
    assert await processor.charges() == []


async def test_a_repeated_charge_returns_the_recorded_payment_without_charging_again(
    payments: RunningService, processor: Processor
) -> None:
    body = charge_body()
    first = await payments.http.post("/internal/payments", json=body, headers=orders_headers())

    again = await payments.http.post("/internal/payments", json=body, headers=orders_headers())

    assert again.status_code == 200
    assert again.json() == first.json()
    assert len(await processor.charges()) == 1


async def test_a_repeated_decline_is_not_tried_again(
    payments: RunningService, processor: Processor
) -> None:
    body = charge_body(payment_token="tok_chargeDeclined")
    await payments.http.post("/internal/payments", json=body, headers=orders_headers())

    again = await payments.http.post("/internal/payments", json=body, headers=orders_headers())

    assert (again.json()["status"], again.json()["failure_code"]) == ("FAILED", "card_declined")
    assert len(await processor.charges()) == 1


async def test_ten_concurrent_identical_charges_make_one_charge(
    payments: RunningService, processor: Processor
) -> None:
    body = charge_body(amount="49.99")

    responses = await asyncio.gather(
        *(
            payments.http.post("/internal/payments", json=body, headers=orders_headers())
            for _ in range(10)
        )
    )

    assert [r.status_code for r in responses] == [200] * 10
    assert len({r.json()["id"] for r in responses}) == 1
    assert {r.json()["status"] for r in responses} == {"SUCCEEDED"}
    charges = await processor.charges()
    assert [(c["amount"], c["status"]) for c in charges] == [("49.99", "succeeded")]
    assert (await table_counts(payments))["payments"] == 1


async def test_a_processor_slower_than_the_timeout_is_retried_with_the_same_key(
    payments: RunningService, processor: Processor
) -> None:
    # given a processor whose next answer comes after the payments' timeout
    await processor.delay(seconds=1.0, count=1)

    # when an order is charged
    response = await charge(payments)

    # then the retry (same key) finds the first attempt's charge: one charge, paid
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "SUCCEEDED"
    charges = await processor.charges()
    assert len(charges) == 1
    key = (await sql(payments, "SELECT processor_key FROM payments"))[0][0]
    assert charges[0]["idempotency_key"] == key


async def test_a_processor_silent_through_every_retry_leaves_the_payment_pending_until_asked(
    payments: RunningService, processor: Processor
) -> None:
    # given a processor that records the charge but answers too late, every time
    await processor.delay(seconds=1.0, count=3)
    body = charge_body()

    # when the order is charged
    response = await payments.http.post("/internal/payments", json=body, headers=orders_headers())

    # then the outcome is unknown: 503 and the payment kept PENDING
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "UNAVAILABLE"
    assert (await sql(payments, "SELECT status FROM payments"))[0][0] == "PENDING"

    # and asking by order settles it from the processor's record
    settled = await by_order(payments, body["order_id"])
    assert settled.status_code == 200
    assert settled.json()["status"] == "SUCCEEDED"
    again = await payments.http.post("/internal/payments", json=body, headers=orders_headers())
    assert again.json()["id"] == settled.json()["id"]
    assert len(await processor.charges()) == 1


async def test_a_processor_down_answers_unavailable_and_by_order_settles_it_once_back(
    payments_without_processor: RunningService, processor_port: int
) -> None:
    payments = payments_without_processor
    body = charge_body()

    # when the processor cannot be reached at all
    response = await payments.http.post("/internal/payments", json=body, headers=orders_headers())

    # then 503, the payment PENDING, and by-order cannot settle it yet
    assert (response.status_code, response.json()["error"]["code"]) == (503, "UNAVAILABLE")
    assert (await sql(payments, "SELECT status FROM payments"))[0][0] == "PENDING"
    assert (await by_order(payments, body["order_id"])).status_code == 503

    # and once it is back, it has no such charge: never charged
    async with serve_processor(processor_port) as processor:
        settled = await by_order(payments, body["order_id"])
        assert settled.status_code == 200
        assert (settled.json()["status"], settled.json()["failure_code"]) == (
            "FAILED",
            "not_charged",
        )
        again = await payments.http.post("/internal/payments", json=body, headers=orders_headers())
        assert again.json()["status"] == "FAILED"
        assert await processor.charges() == []


async def test_a_pending_payment_of_a_crashed_attempt_is_settled_from_the_processor_first(
    payments: RunningService, processor: Processor
) -> None:
    # given a crash after the processor charged, before the outcome was written
    body = charge_body(amount="20.00")
    key = f"pay_{uuid.uuid4().hex}"
    await sql(
        payments,
        "INSERT INTO payments (id, order_id, user_id, amount, currency, status, processor_key)"
        " VALUES ($1, $2, $3, 20.00, 'USD', 'PENDING', $4)",
        uuid.uuid4(),
        uuid.UUID(body["order_id"]),
        uuid.UUID(BUYER_ID),
        key,
    )
    async with httpx.AsyncClient(base_url=processor.url) as http:
        charged = await http.post(
            "/v1/charges",
            json={"amount": "20.00", "currency": "USD", "token": "tok_mastercard"},
            headers={"Idempotency-Key": key},
        )

    # when orders repeats the charge (with another token, even)
    response = await payments.http.post(
        "/internal/payments", json={**body, "payment_token": "tok_visa"}, headers=orders_headers()
    )

    # then the processor's record decides, and there is still one charge
    assert response.json()["status"] == "SUCCEEDED"
    assert response.json()["card_brand"] == "mastercard"
    charges = await processor.charges()
    assert [c["id"] for c in charges] == [charged.json()["id"]]


async def test_by_order_is_not_found_when_no_payment_was_recorded(
    payments: RunningService,
) -> None:
    response = await by_order(payments, str(uuid.uuid4()))

    assert (response.status_code, response.json()["error"]["code"]) == (404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("amount", "0", "INVALID_INPUT"),
        ("amount", "-1.00", "INVALID_INPUT"),
        ("amount", "1.001", "INVALID_INPUT"),
        ("amount", "1000000.01", "INVALID_INPUT"),
        ("amount", "1e400", "INVALID_INPUT"),
        ("amount", "NaN", "INVALID_REQUEST"),
        ("amount", "ten", "INVALID_REQUEST"),
        ("currency", "usd", "INVALID_INPUT"),
        ("order_id", "not-a-uuid", "INVALID_REQUEST"),
        ("user_id", "00000000-0000-0000-0000-00000000000\x00", "INVALID_REQUEST"),
    ],
)
async def test_bad_input_is_refused_and_nothing_is_recorded(
    payments: RunningService, processor: Processor, field: str, value: str, code: str
) -> None:
    response = await charge(payments, **{field: value})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert (await table_counts(payments))["payments"] == 0
    assert await processor.charges() == []


async def test_the_same_order_with_another_amount_is_a_conflict(
    payments: RunningService, processor: Processor
) -> None:
    body = charge_body(amount="10.00")
    await payments.http.post("/internal/payments", json=body, headers=orders_headers())

    other = await payments.http.post(
        "/internal/payments", json={**body, "amount": "11.00"}, headers=orders_headers()
    )

    assert (other.status_code, other.json()["error"]["code"]) == (409, "IDEMPOTENCY_CONFLICT")
    assert len(await processor.charges()) == 1


async def test_only_the_orders_service_may_charge(
    payments: RunningService, processor: Processor
) -> None:
    anonymous = await payments.http.post("/internal/payments", json=charge_body())
    cart = await payments.http.post(
        "/internal/payments", json=charge_body(), headers=orders_headers("cart")
    )

    assert anonymous.status_code == 401
    assert (cart.status_code, cart.json()["error"]["code"]) == (403, "FORBIDDEN")
    assert await processor.charges() == []


async def test_the_processor_app_answers_readiness(processor: Processor) -> None:
    async with httpx.AsyncClient(base_url=processor.url) as http:
        assert (await http.get("/health/ready")).status_code == 200
    assert create_app().title == "Mock card processor"
