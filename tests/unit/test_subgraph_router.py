"""The GraphQL router's JSON: orjson, with `json`'s reading of what orjson refuses."""

from __future__ import annotations

import json
import math

import pytest
import strawberry
from cross_web import HTTPException

from shared.graphql.router import SubgraphRouter


@strawberry.type
class Query:
    ok: bool = True


ROUTER = SubgraphRouter(strawberry.Schema(query=Query))


def test_responses_are_compact_json_bytes() -> None:
    data = {"data": {"products": {"nodes": [{"id": "1", "name": "Mug ☕", "price": None}]}}}
    encoded = ROUTER.encode_json(data)
    assert isinstance(encoded, bytes)
    assert encoded == json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


def test_a_value_orjson_cannot_encode_is_encoded_by_json() -> None:
    assert ROUTER.encode_json({"n": 2**70}) == b'{"n":1180591620717411303424}'


def test_bodies_orjson_refuses_mean_what_json_reads() -> None:
    # NaN and integers past 64 bits reach the scalars, which refuse them as
    # BAD_USER_INPUT, exactly as before orjson.
    decoded = ROUTER.parse_json('{"variables": {"price": NaN, "n": 123456789012345678901234}}')
    assert isinstance(decoded, dict)
    assert math.isnan(decoded["variables"]["price"])
    assert decoded["variables"]["n"] == 123456789012345678901234


def test_a_body_that_is_not_json_is_a_400() -> None:
    with pytest.raises(HTTPException) as raised:
        ROUTER.parse_json(b"{not json")
    assert raised.value.status_code == 400
