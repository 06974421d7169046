"""The mock processor over HTTP: one charge per key, the flaky token, delays
after recording, refunds within the charge."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.subgraphs.payments.support import Processor

CHARGE = {"amount": "10.00", "currency": "USD", "token": "tok_visa"}


@pytest.fixture
async def http(processor: Processor) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=processor.url) as client:
        yield client


async def post_charge(http: httpx.AsyncClient, key: str, **body: str) -> httpx.Response:
    return await http.post("/v1/charges", json={**CHARGE, **body}, headers={"Idempotency-Key": key})


async def test_one_key_makes_one_charge_and_other_parameters_are_refused(
    http: httpx.AsyncClient, processor: Processor
) -> None:
    first = await post_charge(http, "k1")
    again = await post_charge(http, "k1")
    other = await post_charge(http, "k1", amount="11.00")

    assert again.json() == first.json()
    assert (other.status_code, other.json()) == (409, {"code": "idempotency_mismatch"})
    assert len(await processor.charges()) == 1
    assert (await http.get("/v1/charges/k1")).json() == first.json()
    assert (await http.get("/v1/charges/nope")).status_code == 404


async def test_declines_are_402_and_unknown_tokens_400_without_a_charge(
    http: httpx.AsyncClient, processor: Processor
) -> None:
    declined = await post_charge(http, "d", token="tok_chargeDeclined")
    unknown = await post_charge(http, "u", token="tok_bogus")
    no_key = await http.post("/v1/charges", json=CHARGE)

    assert (declined.status_code, declined.json()["failure_code"]) == (402, "card_declined")
    assert (unknown.status_code, unknown.json()) == (400, {"code": "invalid_token"})
    assert no_key.status_code == 400
    assert [c["idempotency_key"] for c in await processor.charges()] == ["d"]


async def test_the_flaky_token_fails_once_per_key(http: httpx.AsyncClient) -> None:
    first = await post_charge(http, "f", token="tok_processingError")
    retry = await post_charge(http, "f", token="tok_processingError")
    other_key = await post_charge(http, "g", token="tok_processingError")

    assert (first.status_code, first.json()) == (503, {"code": "processing_error"})
    assert retry.json()["status"] == "succeeded"
    assert other_key.status_code == 503


async def test_a_delayed_answer_has_recorded_its_charge_already(
    http: httpx.AsyncClient, processor: Processor
) -> None:
    await processor.delay(seconds=0.5, count=1)

    with pytest.raises(httpx.ReadTimeout):
        await http.post(
            "/v1/charges", json=CHARGE, headers={"Idempotency-Key": "slow"}, timeout=0.1
        )

    assert [c["idempotency_key"] for c in await processor.charges()] == ["slow"]
    assert (await post_charge(http, "slow")).status_code == 200


async def post_refund(
    http: httpx.AsyncClient, key: str, charge_id: str, amount: str
) -> httpx.Response:
    return await http.post(
        "/v1/refunds",
        json={"charge_id": charge_id, "amount": amount},
        headers={"Idempotency-Key": key},
    )


async def test_refunds_stay_within_the_charge_and_are_idempotent(
    http: httpx.AsyncClient,
) -> None:
    charge_id = (await post_charge(http, "r")).json()["id"]

    first = await post_refund(http, "r1", charge_id, "6.00")
    again = await post_refund(http, "r1", charge_id, "6.00")
    too_much = await post_refund(http, "r2", charge_id, "4.01")
    unknown = await post_refund(http, "r3", "ch_unknown", "1.00")

    assert first.status_code == 200 and again.json() == first.json()
    assert (too_much.status_code, too_much.json()) == (400, {"code": "amount_too_large"})
    assert unknown.status_code == 404
    assert (await http.get("/v1/charges/r")).json()["refunded"] == "6.00"
