"""The Decimal scalar every subgraph uses: finite, bounded numbers or BAD_USER_INPUT."""

from __future__ import annotations

from decimal import Decimal

import pytest
import strawberry

from shared.graphql.schema import build_schema


@strawberry.type
class _Query:
    @strawberry.field
    def echo(self, amount: Decimal) -> Decimal:
        # Arithmetic a real resolver does: NaN or 1e400 would make it raise.
        return (amount + Decimal(0)).quantize(Decimal("0.01")) if amount < 10**20 else amount


SCHEMA = build_schema(query=_Query)
ECHO = "query Echo($amount: Decimal!) { echo(amount: $amount) }"


class _Context:
    principal = None
    auth_error = None
    service_name = "test"


@pytest.mark.parametrize(
    ("given", "answer"),
    [("19.99", "19.99"), ("0", "0.00"), ("-3.5", "-3.50"), (" 7 ", "7.00"), ("1e3", "1000.00")],
)
async def test_finite_decimals_pass(given: str, answer: str) -> None:
    result = await SCHEMA.execute(ECHO, {"amount": given}, context_value=_Context())
    assert result.errors is None
    assert result.data == {"echo": answer}


@pytest.mark.parametrize(
    "given",
    [
        "NaN",
        "nan",
        "sNaN",
        "Infinity",
        "-Infinity",
        "inf",
        "1e400",
        "1e-400",
        "1" * 31,
        "0." + "0" * 40 + "1",
        "9" * 100,
        "abc",
        "",
        True,
    ],
)
async def test_non_finite_and_absurd_decimals_are_bad_user_input(given: object) -> None:
    result = await SCHEMA.execute(ECHO, {"amount": given}, context_value=_Context())
    assert result.data is None
    assert [error.extensions["code"] for error in result.errors or []] == ["BAD_USER_INPUT"]
    assert "Decimal" in (result.errors or [])[0].message


@pytest.mark.parametrize("given", ['"NaN"', '"1e400"', '"Infinity"'])
async def test_literals_are_checked_too(given: str) -> None:
    result = await SCHEMA.execute(f"{{ echo(amount: {given}) }}", context_value=_Context())
    assert [error.extensions["code"] for error in result.errors or []] == ["BAD_USER_INPUT"]
