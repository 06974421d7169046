"""adjustStock: never below zero or below reserved, always audited and announced."""

from __future__ import annotations

import uuid

import pytest

from tests.subgraphs.catalog.conftest import services
from tests.subgraphs.catalog.support import (
    ADJUST_STOCK,
    ADMIN_ID,
    CUSTOMER,
    admin,
    create_product,
    events,
    sql,
    table_counts,
)
from tests.support.services import RunningService


async def _adjust(catalog: RunningService, product_id: str, delta: int, reason: str) -> dict:
    result = await admin(catalog).execute(
        ADJUST_STOCK, {"productId": product_id, "delta": delta, "reason": reason}
    )
    payload: dict = result.ok()["adjustStock"]
    return payload


async def test_adjustments_change_stock_and_are_audited(catalog: RunningService) -> None:
    product = await create_product(catalog, initialStock=0)
    received = await _adjust(catalog, product["id"], 12, "  delivery 4711 ")
    assert received == {
        "product": {"id": product["id"], "stock": 12, "inStock": True},
        "userErrors": [],
    }
    written_off = await _adjust(catalog, product["id"], -12, "water damage")
    assert written_off["product"] == {"id": product["id"], "stock": 0, "inStock": False}
    rows = await sql(
        catalog,
        "SELECT kind, delta_on_hand, delta_reserved, on_hand_after, reserved_after, reason, "
        "actor FROM stock_movements ORDER BY id",
    )
    actor = f"user:{ADMIN_ID}"
    assert [tuple(row) for row in rows] == [
        ("ADJUSTED", 12, 0, 12, 0, "delivery 4711", actor),
        ("ADJUSTED", -12, 0, 0, 0, "water damage", actor),
    ]
    announced = await events(catalog, "StockChanged")
    assert [(e["delta_on_hand"], e["available"], e["reason"]) for e in announced] == [
        (12, 12, "delivery 4711"),
        (-12, 0, "water damage"),
    ]


async def test_on_hand_never_goes_below_reserved(catalog: RunningService) -> None:
    product = await create_product(catalog, initialStock=10)
    await services(catalog).reservations.reserve(
        uuid.uuid4(), [(uuid.UUID(product["id"]), 4)], caller="orders"
    )
    before = await table_counts(catalog)
    refused = await _adjust(catalog, product["id"], -7, "recount")
    assert refused["product"] is None
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
        ("INVALID_INPUT", ["delta"])
    ]
    assert await table_counts(catalog) == before
    allowed = await _adjust(catalog, product["id"], -6, "recount")
    assert allowed["product"]["stock"] == 0  # 4 on hand, all 4 reserved


@pytest.mark.parametrize(
    ("delta", "reason", "field"),
    [
        (-1, "shrinkage", ["delta"]),  # below zero
        (0, "nothing", ["delta"]),
        (1_000_001, "too many", ["delta"]),
        (5, "   ", ["reason"]),
        (5, "x" * 201, ["reason"]),
    ],
)
async def test_invalid_adjustments_write_nothing(
    catalog: RunningService, delta: int, reason: str, field: list[str]
) -> None:
    product = await create_product(catalog)
    before = await table_counts(catalog)
    payload = await _adjust(catalog, product["id"], delta, reason)
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("INVALID_INPUT", field)]
    assert await table_counts(catalog) == before


async def test_adjusting_an_unknown_product_is_not_found(catalog: RunningService) -> None:
    payload = await _adjust(catalog, "00000000-0000-0000-0000-000000000404", 1, "x")
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("NOT_FOUND", ["productId"])
    ]


async def test_adjust_stock_needs_an_admin(catalog: RunningService) -> None:
    product = await create_product(catalog)
    variables = {"productId": product["id"], "delta": 1, "reason": "x"}
    anonymous = await catalog.graphql.execute(ADJUST_STOCK, variables)
    customer = await catalog.graphql.as_user(CUSTOMER).execute(ADJUST_STOCK, variables)
    assert anonymous.error_codes == ["UNAUTHENTICATED"]
    assert customer.error_codes == ["FORBIDDEN"]
    assert (await sql(catalog, "SELECT count(*) FROM stock_movements"))[0][0] == 0


MOVEMENTS = """
query Movements($id: ID, $first: Int, $after: String) {
  product(id: $id) {
    stockMovements(first: $first, after: $after) {
      nodes { kind deltaOnHand deltaReserved onHandAfter reservedAfter reason actor orderId }
      pageInfo { hasNextPage endCursor }
      totalCount
    }
  }
}
"""


async def test_admins_read_the_audit_trail_newest_first(catalog: RunningService) -> None:
    product = await create_product(catalog, initialStock=3)
    order = uuid.uuid4()
    await services(catalog).reservations.reserve(
        order, [(uuid.UUID(product["id"]), 2)], caller="orders"
    )
    await _adjust(catalog, product["id"], 5, "delivery")
    first = (await admin(catalog).execute(MOVEMENTS, {"id": product["id"], "first": 2})).ok()[
        "product"
    ]["stockMovements"]
    assert first["totalCount"] == 3
    assert [(n["kind"], n["deltaOnHand"], n["deltaReserved"]) for n in first["nodes"]] == [
        ("ADJUSTED", 5, 0),
        ("RESERVED", 0, 2),
    ]
    assert first["nodes"][1]["actor"] == "service:orders"
    assert first["nodes"][1]["orderId"] == str(order)
    rest = (
        await admin(catalog).execute(
            MOVEMENTS, {"id": product["id"], "after": first["pageInfo"]["endCursor"]}
        )
    ).ok()["product"]["stockMovements"]
    assert [(n["kind"], n["onHandAfter"], n["actor"]) for n in rest["nodes"]] == [
        ("INITIAL", 3, f"user:{ADMIN_ID}")
    ]
    assert rest["pageInfo"]["hasNextPage"] is False
    customer = await catalog.graphql.as_user(CUSTOMER).execute(MOVEMENTS, {"id": product["id"]})
    assert customer.error_codes == ["FORBIDDEN"]
