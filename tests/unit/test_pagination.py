"""Cursors are opaque, round-trip their sort key, and reject what is not ours."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import column
from sqlalchemy.dialects import postgresql

from shared.db.keyset import SortColumn, after, parse_key
from shared.graphql.errors import ApiError
from shared.graphql.pagination import decode_cursor, encode_cursor, page_size


def test_cursor_round_trip() -> None:
    key = ["19.99", str(uuid.UUID(int=7))]
    assert decode_cursor(encode_cursor(key), 2) == key


@pytest.mark.parametrize("cursor", ["%%%", "bm90IGpzb24", encode_cursor([1, 2, 3])])
def test_foreign_cursors_are_bad_user_input(cursor: str) -> None:
    with pytest.raises(ApiError) as raised:
        decode_cursor(cursor, 2)
    assert raised.value.extensions["code"] == "BAD_USER_INPUT"


def test_page_size_defaults_and_caps() -> None:
    assert page_size(None) == 20
    assert page_size(100) == 100
    for bad in (101, -1):
        with pytest.raises(ApiError):
            page_size(bad)


def test_keyset_condition_mixes_directions() -> None:
    price, pid = column("price"), column("id")
    condition = after([SortColumn(price, True), SortColumn(pid)], [Decimal("5"), "x"])
    sql = str(condition.compile(dialect=postgresql.dialect()))
    assert sql.replace("::VARCHAR", "") == (
        "price < %(price_1)s OR price = %(price_2)s AND id > %(id_1)s"
    )


def test_parse_key_types_values_and_rejects_mismatches() -> None:
    columns = [
        SortColumn(column("price"), parse=Decimal),
        SortColumn(column("id"), parse=uuid.UUID),
    ]
    assert parse_key(columns, ["1.50", str(uuid.UUID(int=1))]) == [
        Decimal("1.50"),
        uuid.UUID(int=1),
    ]
    with pytest.raises(ValueError):
        parse_key(columns, ["1.50"])
    with pytest.raises(ValueError):
        parse_key(columns, ["1.50", "not-a-uuid"])
