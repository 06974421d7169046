"""Shipping methods come from the settings: listed publicly, priced in the store currency."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from subgraphs.shipping.settings import ShippingSettings
from tests.subgraphs.shipping.conftest import running_shipping
from tests.support.databases import DatabaseFactory
from tests.support.services import RunningService

METHODS = "query { shippingMethods { code name price { amount currencyCode } estimatedDays } }"


async def test_anyone_lists_the_default_methods(shipping: RunningService) -> None:
    result = await shipping.graphql.execute(METHODS)

    assert result.ok()["shippingMethods"] == [
        {
            "code": "STANDARD",
            "name": "Standard",
            "price": {"amount": "5.00", "currencyCode": "USD"},
            "estimatedDays": 5,
        },
        {
            "code": "EXPRESS",
            "name": "Express",
            "price": {"amount": "15.00", "currencyCode": "USD"},
            "estimatedDays": 2,
        },
    ]


async def test_prices_and_days_follow_the_settings(
    databases: DatabaseFactory, redis_url: str
) -> None:
    env = {
        "SHIPPING_STANDARD_PRICE": "0",
        "SHIPPING_STANDARD_DAYS": "7",
        "SHIPPING_EXPRESS_PRICE": "24.5",
        "SHIPPING_EXPRESS_DAYS": "1",
        "MINISHOP_CURRENCY": "EUR",
    }
    async with running_shipping(databases, redis_url, env) as shipping:
        result = await shipping.graphql.execute(METHODS)

    assert [
        (m["code"], m["price"], m["estimatedDays"]) for m in result.ok()["shippingMethods"]
    ] == [
        ("STANDARD", {"amount": "0.00", "currencyCode": "EUR"}, 7),
        ("EXPRESS", {"amount": "24.50", "currencyCode": "EUR"}, 1),
    ]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SHIPPING_STANDARD_PRICE", "-0.01"),
        ("SHIPPING_STANDARD_PRICE", "4.999"),
        ("SHIPPING_EXPRESS_PRICE", "NaN"),
        ("SHIPPING_EXPRESS_PRICE", "1e12"),
        ("SHIPPING_STANDARD_DAYS", "-1"),
        ("SHIPPING_EXPRESS_DAYS", "two"),
    ],
)
def test_a_negative_or_inexact_price_or_bad_days_is_refused(
    name: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(ValidationError):
        ShippingSettings()


def test_the_defaults_are_standard_five_for_five_days_and_express_fifteen_for_two() -> None:
    settings = ShippingSettings()

    assert (settings.standard_price, settings.standard_days) == (Decimal("5.00"), 5)
    assert (settings.express_price, settings.express_days) == (Decimal("15.00"), 2)
