"""The recovery job settles what a checkout could not finish: unknown charges,
claims left by a crash after reserving, and stock commits that did not go through."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from shared.devstack.process import free_port
from tests.subgraphs.orders.support import Shop, buyer, eventually, running_shop
from tests.support.databases import DatabaseFactory
from tests.support.services import service_headers

RECOVER_AT_ONCE = {"ORDERS_RECOVERY_AFTER_SECONDS": "0"}


@pytest.fixture
async def recovering_shop(databases: DatabaseFactory, redis_url: str) -> AsyncIterator[Shop]:
    async with running_shop(databases, redis_url, orders_env=RECOVER_AT_ONCE) as running:
        yield running


async def reserve(shop: Shop, order_id: uuid.UUID, product_id: str, quantity: int) -> None:
    """Hold stock as checkout does, over the catalog's internal API."""
    async with httpx.AsyncClient(base_url=shop.urls["catalog"]) as http:
        response = await http.post(
            "/internal/reservations",
            json={
                "order_id": str(order_id),
                "lines": [{"product_id": product_id, "quantity": quantity}],
            },
            headers=service_headers("orders", "catalog"),
        )
    assert response.status_code == 200, response.text


async def crashed_order(
    shop: Shop, product_id: str, *, status: str = "PENDING_PAYMENT", key: str | None = None
) -> uuid.UUID:
    """What a checkout that died after creating its order leaves: the order, its
    claim and its reservation, and no payment."""
    order_id = uuid.uuid4()
    user_id = uuid.uuid4()
    await reserve(shop, order_id, product_id, 1)
    await shop.sql(
        """
        INSERT INTO orders (id, user_id, status, currency, subtotal, shipping_cost, total,
            ship_full_name, ship_line1, ship_city, ship_postal_code, ship_country,
            shipping_method, stock)
        VALUES ($1, $2, $3, 'USD', 10, 5, 15, 'Ada', '1 Main St', 'Town', '1', 'US',
            'STANDARD', 'HELD')
        """,
        order_id,
        user_id,
        status,
    )
    await shop.sql(
        "INSERT INTO order_items (order_id, position, product_id, sku, name, unit_price, quantity)"
        " VALUES ($1, 0, $2, 'SKU', 'Lamp', 10, 1)",
        order_id,
        uuid.UUID(product_id),
    )
    await shop.sql(
        "INSERT INTO order_status_changes (order_id, status) VALUES ($1, $2)", order_id, status
    )
    step = "ORDER_CREATED" if status == "PENDING_PAYMENT" else "COMPLETED"
    await shop.sql(
        "INSERT INTO checkouts (user_id, idempotency_key, fingerprint, order_id, step)"
        " VALUES ($1, $2, 'f', $3, $4)",
        user_id,
        key or uuid.uuid4().hex,
        order_id,
        step,
    )
    return order_id


async def status_of(shop: Shop, order_id: uuid.UUID | str) -> tuple[str, str]:
    rows = await shop.sql(
        "SELECT status, stock FROM orders WHERE id = $1", uuid.UUID(str(order_id))
    )
    return rows[0]["status"], rows[0]["stock"]


async def test_an_order_payments_never_heard_of_fails_and_its_stock_is_released(
    recovering_shop: Shop,
) -> None:
    shop = recovering_shop
    lamp = await shop.product(stock=4)
    order_id = await crashed_order(shop, lamp)
    assert await shop.stock(lamp) == (4, 1)

    report = await shop.parts.recovery.run_once()

    assert report.payments_settled == 1
    assert await status_of(shop, order_id) == ("PAYMENT_FAILED", "RELEASED")
    assert await shop.stock(lamp) == (4, 0)
    [failed] = await shop.events("OrderPaymentFailed")
    assert failed["order_id"] == str(order_id)
    assert await shop.events("OrderPlaced") == []


async def test_two_recovery_runs_at_once_settle_each_order_once(recovering_shop: Shop) -> None:
    shop = recovering_shop
    lamp = await shop.product(stock=10)
    orders = [await crashed_order(shop, lamp) for _ in range(5)]

    reports = await asyncio.gather(*(shop.parts.recovery.run_once() for _ in range(2)))

    assert sum(r.payments_settled for r in reports) == 5
    history = await shop.sql(
        "SELECT order_id, count(*) FROM order_status_changes WHERE status = 'PAYMENT_FAILED'"
        " GROUP BY order_id"
    )
    assert {row[0]: row[1] for row in history} == dict.fromkeys(orders, 1)
    assert len(await shop.events("OrderPaymentFailed")) == 5
    assert await shop.stock(lamp) == (10, 0)


async def test_a_claim_left_after_reserving_is_released_and_its_key_freed(
    recovering_shop: Shop,
) -> None:
    # given a checkout that died between reserving and creating its order
    shop = recovering_shop
    lamp = await shop.product(stock=2)
    user_id, token = buyer()
    order_id = uuid.uuid4()
    await reserve(shop, order_id, lamp, 2)
    await shop.sql(
        "INSERT INTO checkouts (user_id, idempotency_key, fingerprint, order_id, step)"
        " VALUES ($1, 'the-key', 'f', $2, 'CLAIMED')",
        uuid.UUID(user_id),
        order_id,
    )

    report = await shop.parts.recovery.run_once()

    # then the units are back and the key works again
    assert report.claims_dropped == 1
    assert await shop.stock(lamp) == (2, 0)
    assert await shop.reservation(str(order_id)) == "RELEASED"
    await shop.add_to_cart(token, lamp, 2)
    payload = await shop.checkout(token, idempotencyKey="the-key")
    assert payload["order"]["status"] == "PAID"
    assert await shop.stock(lamp) == (0, 0)


async def test_a_paid_order_whose_stock_commit_failed_is_committed(recovering_shop: Shop) -> None:
    shop = recovering_shop
    lamp = await shop.product(stock=3)
    order_id = await crashed_order(shop, lamp, status="PAID")

    report = await shop.parts.recovery.run_once()

    assert report.stock_settled == 1
    assert await status_of(shop, order_id) == ("PAID", "COMMITTED")
    assert await shop.stock(lamp) == (2, 0)
    assert (await shop.parts.recovery.run_once()).stock_settled == 0


@pytest.fixture
async def impatient_shop(databases: DatabaseFactory, redis_url: str) -> AsyncIterator[Shop]:
    """Orders gives up on a charge after 0.3 s; its recovery job runs all the time
    and takes up what is a second old (sooner, it would give up claims of
    checkouts still pricing and reserving, which then answer SERVICE_UNAVAILABLE)."""
    env = {
        "ORDERS_RECOVERY_AFTER_SECONDS": "1",
        "MINISHOP_EVENTS_IN_PROCESS": "true",
        "ORDERS_RECOVERY_INTERVAL_SECONDS": "0.05",
        "ORDERS_PAYMENTS_TIMEOUT_SECONDS": "0.3",
        "ORDERS_PAYMENTS_ATTEMPTS": "1",
    }
    async with running_shop(databases, redis_url, orders_env=env) as running:
        yield running


async def test_a_charge_with_no_answer_stays_pending_until_recovery_finds_it_paid(
    impatient_shop: Shop,
) -> None:
    # given a processor slower than orders is willing to wait
    shop = impatient_shop
    lamp = await shop.product(stock=5)
    _, token = buyer()
    await shop.add_to_cart(token, lamp)
    await shop.processor.delay(1.0, 1)

    # when the buyer checks out
    payload = await shop.checkout(token, idempotencyKey="slow")

    # then the order waits for its payment, its stock held, with no error
    assert payload["userErrors"] == []
    assert payload["order"]["status"] == "PENDING_PAYMENT"
    order_id = payload["order"]["id"]

    # and the recovery job, once payments knows, makes it PAID and commits the stock
    async def paid() -> bool:
        return await status_of(shop, order_id) == ("PAID", "COMMITTED")

    await eventually(paid, what="recovery to settle the order")
    assert await shop.stock(lamp) == (4, 0)
    assert len(await shop.charges()) == 1
    again = await shop.checkout(token, idempotencyKey="slow")
    assert again["order"]["status"] == "PAID"
    assert [c["status"] for c in again["order"]["statusHistory"]] == ["PENDING_PAYMENT", "PAID"]


@pytest.fixture
async def shop_without_payments(databases: DatabaseFactory, redis_url: str) -> AsyncIterator[Shop]:
    nowhere = {"MINISHOP_SERVICE_PAYMENTS_URL": f"http://127.0.0.1:{free_port()}"}
    async with running_shop(databases, redis_url, orders_env=nowhere) as running:
        yield running


async def test_unreachable_payments_fail_the_order_with_nothing_charged(
    shop_without_payments: Shop,
) -> None:
    shop = shop_without_payments
    lamp = await shop.product(stock=2)
    _, token = buyer()
    await shop.add_to_cart(token, lamp)

    payload = await shop.checkout(token)

    assert payload["order"]["status"] == "PAYMENT_FAILED"
    assert [e["code"] for e in payload["userErrors"]] == ["PAYMENT_UNAVAILABLE"]
    assert "nothing was charged" in payload["userErrors"][0]["message"]
    assert await status_of(shop, payload["order"]["id"]) == ("PAYMENT_FAILED", "RELEASED")
    assert await shop.stock(lamp) == (2, 0)
    rows = await shop.sql("SELECT failure_code FROM orders")
    assert rows[0]["failure_code"] == "payment_unavailable"
