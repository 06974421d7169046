"""Reservations through the internal API, as the orders service will call it."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.internal import InternalCallError, InternalClient
from subgraphs.catalog.internal.models import Reservation, ReservationLine, ReserveRequest
from tests.subgraphs.catalog.conftest import services
from tests.subgraphs.catalog.support import admin, create_product, events, sql, table_counts
from tests.support.services import RunningService, service_headers

ARCHIVE = "mutation A($id: ID!) { archiveProduct(id: $id) { userErrors { code } } }"


def client(catalog: RunningService, caller: str = "orders") -> InternalClient:
    return InternalClient(caller, http=catalog.http, base_urls={"catalog": "http://test"})


async def reserve(
    catalog: RunningService, order_id: uuid.UUID, lines: dict[str, int], **extra: Any
) -> Reservation:
    body = ReserveRequest(
        order_id=order_id,
        lines=[ReservationLine(product_id=uuid.UUID(p), quantity=q) for p, q in lines.items()],
        **extra,
    )
    return (
        await client(catalog)
        .service("catalog")
        .post("/internal/reservations", body=body, response_model=Reservation, idempotent=True)
    )


async def call(catalog: RunningService, order_id: uuid.UUID, action: str) -> Reservation:
    return (
        await client(catalog)
        .service("catalog")
        .post(
            f"/internal/reservations/{order_id}/{action}",
            body=ReserveRequest.model_construct(),
            response_model=Reservation,
            idempotent=True,
        )
    )


async def stock_of(catalog: RunningService, product_id: str) -> tuple[int, int]:
    rows = await sql(
        catalog,
        "SELECT stock_on_hand, stock_reserved FROM products WHERE id = $1",
        uuid.UUID(product_id),
    )
    return rows[0][0], rows[0][1]


async def test_fifty_buyers_of_ten_units_never_oversell(catalog: RunningService) -> None:
    product = await create_product(catalog, initialStock=10)
    orders = [uuid.uuid4() for _ in range(50)]

    async def attempt(order_id: uuid.UUID) -> str:
        try:
            await reserve(catalog, order_id, {product["id"]: 1})
            return "RESERVED"
        except InternalCallError as error:
            assert error.status == 409
            assert error.details["lines"] == [
                {"product_id": product["id"], "requested": 1, "available": 0}
            ]
            return error.code

    outcomes = await asyncio.gather(*(attempt(order_id) for order_id in orders))
    assert outcomes.count("RESERVED") == 10
    assert outcomes.count("OUT_OF_STOCK") == 40
    # Each hold saw the one before it: no two read the same count (a lost update
    # would repeat a value here, and the table's CHECK would not notice).
    after = await sql(
        catalog,
        "SELECT reserved_after FROM stock_movements WHERE kind = 'RESERVED' ORDER BY id",
    )
    assert [row[0] for row in after] == list(range(1, 11))
    assert await stock_of(catalog, product["id"]) == (10, 10)

    # Repeating a reservation changes nothing.
    winners = [
        order for order, outcome in zip(orders, outcomes, strict=True) if outcome == "RESERVED"
    ]
    before = await table_counts(catalog)
    repeated = await reserve(catalog, winners[0], {product["id"]: 1})
    assert (repeated.order_id, repeated.status) == (winners[0], "RESERVED")
    assert await table_counts(catalog) == before
    assert await stock_of(catalog, product["id"]) == (10, 10)

    # Releasing restores the stock.
    await asyncio.gather(*(call(catalog, order, "release") for order in winners))
    assert await stock_of(catalog, product["id"]) == (10, 0)
    kinds = await sql(
        catalog, "SELECT kind, count(*) FROM stock_movements GROUP BY kind ORDER BY kind"
    )
    assert [tuple(row) for row in kinds] == [("INITIAL", 1), ("RELEASED", 10), ("RESERVED", 10)]


async def test_one_short_line_reserves_nothing(catalog: RunningService) -> None:
    plenty = await create_product(catalog, initialStock=50)
    scarce = await create_product(catalog, initialStock=2)
    before = await table_counts(catalog)
    with pytest.raises(InternalCallError) as caught:
        await reserve(catalog, uuid.uuid4(), {plenty["id"]: 5, scarce["id"]: 3})
    assert (caught.value.status, caught.value.code) == (409, "OUT_OF_STOCK")
    assert caught.value.details["lines"] == [
        {"product_id": scarce["id"], "requested": 3, "available": 2}
    ]
    assert await table_counts(catalog) == before
    assert await stock_of(catalog, plenty["id"]) == (50, 0)


async def test_commit_takes_units_off_the_shelf_and_a_cancel_restocks(
    catalog: RunningService,
) -> None:
    product = await create_product(catalog, initialStock=5)
    order = uuid.uuid4()
    await reserve(catalog, order, {product["id"]: 2})
    committed = await call(catalog, order, "commit")
    assert committed.status == "COMMITTED"
    read = (
        await client(catalog)
        .service("catalog")
        .get(f"/internal/reservations/{order}", response_model=Reservation)
    )
    assert read == committed
    assert await stock_of(catalog, product["id"]) == (3, 0)
    assert (await call(catalog, order, "commit")).status == "COMMITTED"
    assert await stock_of(catalog, product["id"]) == (3, 0)
    # Reserving again under a committed order is a repeat, not a second hold.
    assert (await reserve(catalog, order, {product["id"]: 2})).status == "COMMITTED"
    released = await call(catalog, order, "release")
    assert released.status == "RELEASED"
    assert await stock_of(catalog, product["id"]) == (5, 0)
    assert (await call(catalog, order, "release")).status == "RELEASED"
    assert await stock_of(catalog, product["id"]) == (5, 0)
    kinds = [e["kind"] for e in await events(catalog, "StockChanged")]
    assert kinds == ["INITIAL", "RESERVED", "COMMITTED", "RESTOCKED"]
    with pytest.raises(InternalCallError) as caught:
        await call(catalog, order, "commit")
    assert (caught.value.status, caught.value.code) == (409, "INVALID_STATE")


async def test_a_release_before_the_reserve_blocks_a_late_reserve(
    catalog: RunningService,
) -> None:
    product = await create_product(catalog, initialStock=5)
    order = uuid.uuid4()
    assert (await call(catalog, order, "release")).status == "RELEASED"
    with pytest.raises(InternalCallError) as caught:
        await reserve(catalog, order, {product["id"]: 1})
    assert (caught.value.status, caught.value.code) == (409, "INVALID_STATE")
    assert await stock_of(catalog, product["id"]) == (5, 0)


async def test_same_order_with_other_lines_is_a_conflict(catalog: RunningService) -> None:
    product = await create_product(catalog, initialStock=5)
    order = uuid.uuid4()
    await reserve(catalog, order, {product["id"]: 1})
    with pytest.raises(InternalCallError) as caught:
        await reserve(catalog, order, {product["id"]: 2})
    assert (caught.value.status, caught.value.code) == (409, "IDEMPOTENCY_CONFLICT")
    assert await stock_of(catalog, product["id"]) == (5, 1)


async def test_unknown_and_archived_products_cannot_be_reserved(catalog: RunningService) -> None:
    product = await create_product(catalog, initialStock=5)
    await admin(catalog).execute(ARCHIVE, {"id": product["id"]})
    unknown = str(uuid.uuid4())
    with pytest.raises(InternalCallError) as caught:
        await reserve(catalog, uuid.uuid4(), {product["id"]: 1, unknown: 1})
    assert (caught.value.status, caught.value.code) == (409, "PRODUCT_UNAVAILABLE")
    assert sorted(caught.value.details["product_ids"]) == sorted([product["id"], unknown])


async def test_commit_of_an_unknown_order_is_not_found(catalog: RunningService) -> None:
    with pytest.raises(InternalCallError) as caught:
        await call(catalog, uuid.uuid4(), "commit")
    assert (caught.value.status, caught.value.code) == (404, "NOT_FOUND")


async def test_orders_in_opposite_line_order_do_not_deadlock(catalog: RunningService) -> None:
    a = await create_product(catalog, initialStock=100)
    b = await create_product(catalog, initialStock=100)
    orders = [
        reserve(
            catalog, uuid.uuid4(), {a["id"]: 1, b["id"]: 1} if i % 2 else {b["id"]: 1, a["id"]: 1}
        )
        for i in range(30)
    ]
    results = await asyncio.gather(*orders)
    assert all(result.status == "RESERVED" for result in results)
    assert await stock_of(catalog, a["id"]) == await stock_of(catalog, b["id"]) == (100, 30)


async def _expire_now(catalog: RunningService, order: uuid.UUID) -> None:
    await sql(
        catalog,
        "UPDATE reservations SET expires_at = now() - interval '1 second' WHERE order_id = $1",
        order,
    )


async def test_expired_holds_are_swept_back_into_stock(catalog: RunningService) -> None:
    product = await create_product(catalog, initialStock=3)
    order = uuid.uuid4()
    held = await reserve(catalog, order, {product["id"]: 3}, ttl_seconds=600)
    assert 590 < (held.expires_at - datetime.now(UTC)).total_seconds() <= 600
    await _expire_now(catalog, order)
    assert await services(catalog).reservations.expire_due() == 1
    assert await stock_of(catalog, product["id"]) == (3, 0)
    rows = await sql(catalog, "SELECT kind, actor FROM stock_movements WHERE kind = 'EXPIRED'")
    assert [tuple(row) for row in rows] == [("EXPIRED", "system:reservation-expiry")]
    with pytest.raises(InternalCallError) as caught:
        await call(catalog, order, "commit")
    assert caught.value.code == "INVALID_STATE"
    assert (await call(catalog, order, "release")).status == "EXPIRED"


async def test_a_reserve_sweeps_an_expired_hold_on_the_last_unit(catalog: RunningService) -> None:
    product = await create_product(catalog, initialStock=1)
    stale = uuid.uuid4()
    await reserve(catalog, stale, {product["id"]: 1})
    await _expire_now(catalog, stale)
    fresh = await reserve(catalog, uuid.uuid4(), {product["id"]: 1})
    assert fresh.status == "RESERVED"
    assert await stock_of(catalog, product["id"]) == (1, 1)
    status = await sql(catalog, "SELECT status FROM reservations WHERE order_id = $1", stale)
    assert status[0][0] == "EXPIRED"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"order_id": "x", "lines": []}, 422, "INVALID_REQUEST"),
        (
            {
                "order_id": str(uuid.uuid4()),
                "lines": [{"product_id": str(uuid.uuid4()), "quantity": 0}],
            },
            422,
            "INVALID_REQUEST",
        ),
        (
            {
                "order_id": str(uuid.uuid4()),
                "lines": [{"product_id": "00000000-0000-0000-0000-000000000001", "quantity": 1}]
                * 2,
            },
            422,
            "INVALID_REQUEST",
        ),
        (
            {
                "order_id": str(uuid.uuid4()),
                "lines": [{"product_id": str(uuid.uuid4()), "quantity": 1}],
                "ttl_seconds": 10**9,
            },
            422,
            "INVALID_REQUEST",
        ),
        (
            {
                "order_id": str(uuid.uuid4()),
                "lines": [{"product_id": str(uuid.uuid4()), "quantity": 1}],
                "ttl_seconds": 86_401,
            },
            422,
            "INVALID_REQUEST",
        ),
        (
            {
                "order_id": str(uuid.uuid4()),
                "lines": [{"product_id": str(uuid.uuid4()), "quantity": 1}],
                "ttl_seconds": 10**15,
            },
            422,
            "INVALID_REQUEST",
        ),
        (
            {
                "order_id": str(uuid.uuid4()),
                "lines": [{"product_id": str(uuid.uuid4()), "quantity": 1}],
                "ttl_seconds": 2**70,
            },
            422,
            "INVALID_REQUEST",
        ),
    ],
)
async def test_malformed_reservations_are_refused(
    catalog: RunningService, body: dict[str, Any], status: int, code: str
) -> None:
    response = await catalog.http.post(
        "/internal/reservations", json=body, headers=service_headers("orders", "catalog")
    )
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert (await table_counts(catalog))["reservations"] == 0
