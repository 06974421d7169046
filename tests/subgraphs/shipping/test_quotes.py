"""The internal quote checkout uses to price an order's delivery (orders only)."""

from __future__ import annotations

import pytest

from shared.internal import HEADER
from tests.support.services import RunningService, service_headers

PATH = "/internal/quotes"


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (
            "STANDARD",
            {
                "method": "STANDARD",
                "name": "Standard",
                "price": "5.00",
                "currency": "USD",
                "estimated_days": 5,
            },
        ),
        (
            "EXPRESS",
            {
                "method": "EXPRESS",
                "name": "Express",
                "price": "15.00",
                "currency": "USD",
                "estimated_days": 2,
            },
        ),
    ],
)
async def test_orders_gets_the_price_of_a_method(
    shipping: RunningService, method: str, expected: dict[str, object]
) -> None:
    response = await shipping.http.post(
        PATH,
        json={"method": method, "currency": "USD"},
        headers=service_headers("orders", "shipping"),
    )

    assert response.status_code == 200
    assert response.json() == expected


async def test_the_code_is_read_without_case_or_spaces_and_currency_may_be_left_out(
    shipping: RunningService,
) -> None:
    response = await shipping.http.post(
        PATH, json={"method": " express "}, headers=service_headers("orders", "shipping")
    )

    assert response.status_code == 200
    assert response.json()["method"] == "EXPRESS"


async def test_an_unknown_method_is_422_with_the_known_codes(shipping: RunningService) -> None:
    response = await shipping.http.post(
        PATH,
        json={"method": "TELEPORT", "currency": "USD"},
        headers=service_headers("orders", "shipping"),
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "UNKNOWN_SHIPPING_METHOD"
    assert error["details"]["known"] == ["STANDARD", "EXPRESS"]


async def test_another_currency_than_the_stores_is_422(shipping: RunningService) -> None:
    response = await shipping.http.post(
        PATH,
        json={"method": "STANDARD", "currency": "EUR"},
        headers=service_headers("orders", "shipping"),
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "UNSUPPORTED_CURRENCY"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"method": ""},
        {"method": "STANDARD\x00"},
        {"method": "S" * 33},
        {"method": "STANDARD", "currency": "usd"},
        {"method": "STANDARD", "extra": 1},
        {"method": 5},
    ],
)
async def test_a_malformed_body_is_a_clear_422(
    shipping: RunningService, body: dict[str, object]
) -> None:
    response = await shipping.http.post(
        PATH, json=body, headers=service_headers("orders", "shipping")
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] in {"INVALID_REQUEST", "UNKNOWN_SHIPPING_METHOD"}


async def test_without_a_valid_service_token_it_is_401(shipping: RunningService) -> None:
    body = {"method": "STANDARD", "currency": "USD"}

    missing = await shipping.http.post(PATH, json=body)
    forged = await shipping.http.post(PATH, json=body, headers={HEADER: "v1.forged.token"})
    for_catalog = await shipping.http.post(
        PATH, json=body, headers=service_headers("orders", "catalog")
    )

    for response in (missing, forged, for_catalog):
        assert (response.status_code, response.json()["error"]["code"]) == (401, "UNAUTHENTICATED")


async def test_only_orders_may_ask(shipping: RunningService) -> None:
    response = await shipping.http.post(
        PATH,
        json={"method": "STANDARD", "currency": "USD"},
        headers=service_headers("cart", "shipping"),
    )

    assert (response.status_code, response.json()["error"]["code"]) == (403, "FORBIDDEN")
