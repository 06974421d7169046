"""Reservations racing each other, in a fixed interleaving: the test holds the
product's row lock until both calls are inside their transactions
(tests.support.locks). Each ends wrong without the lock or key that decides it."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from shared.errors import DomainError
from subgraphs.catalog.service.reservations import ReservationService
from tests.subgraphs.catalog.conftest import services
from tests.subgraphs.catalog.support import create_product, sql
from tests.support.locks import holding
from tests.support.services import RunningService

LOCK_PRODUCT = "SELECT 1 FROM products WHERE id = $1 FOR UPDATE"
# A call that must not wait for the held lock answers well within this.
PROMPT_SECONDS = 10.0


def reservations(catalog: RunningService) -> ReservationService:
    service: ReservationService = services(catalog).reservations
    return service


async def stock_of(catalog: RunningService, product_id: uuid.UUID) -> tuple[int, int]:
    rows = await sql(
        catalog, "SELECT stock_on_hand, stock_reserved FROM products WHERE id = $1", product_id
    )
    return rows[0][0], rows[0][1]


async def movements(catalog: RunningService, product_id: uuid.UUID) -> list[str]:
    rows = await sql(
        catalog,
        "SELECT kind FROM stock_movements WHERE product_id = $1 AND kind <> 'INITIAL' ORDER BY id",
        product_id,
    )
    return [row[0] for row in rows]


async def an_expired_hold(catalog: RunningService) -> tuple[uuid.UUID, uuid.UUID]:
    """Three units on hand, two held by an order whose hold is past its deadline."""
    product = uuid.UUID((await create_product(catalog, initialStock=3))["id"])
    order = uuid.uuid4()
    await reservations(catalog).reserve(order, [(product, 2)], caller="orders")
    await sql(
        catalog,
        "UPDATE reservations SET expires_at = now() - interval '1 second' WHERE order_id = $1",
        order,
    )
    return product, order


async def test_a_sweep_that_claimed_the_hold_first_makes_the_commit_invalid_state(
    catalog: RunningService,
) -> None:
    product, order = await an_expired_hold(catalog)
    async with holding(catalog) as held:
        await held.lock(LOCK_PRODUCT, product)
        # Given the sweep holding the reservation row, waiting for the product
        sweep = asyncio.create_task(reservations(catalog).expire_due())
        await held.until_waiting(1)
        # And a commit of the same order waiting for the reservation row
        commit = asyncio.create_task(reservations(catalog).commit(order, caller="orders"))
        await held.until_waiting(2)

        # When both go on
        await held.release()
        assert await sweep == 1
        with pytest.raises(DomainError) as refused:
            await commit

    # Then the hold expired once and was never taken off the shelf
    assert refused.value.code == "INVALID_STATE"
    assert await stock_of(catalog, product) == (3, 0)
    assert await movements(catalog, product) == ["RESERVED", "EXPIRED"]


async def test_a_commit_in_progress_is_skipped_by_the_sweep(catalog: RunningService) -> None:
    product, order = await an_expired_hold(catalog)
    async with holding(catalog) as held:
        await held.lock(LOCK_PRODUCT, product)
        # Given a commit holding the reservation row, waiting for the product
        commit = asyncio.create_task(reservations(catalog).commit(order, caller="orders"))
        await held.until_waiting(1)

        # When the sweep runs meanwhile, it passes the hold by without waiting
        assert await asyncio.wait_for(reservations(catalog).expire_due(), PROMPT_SECONDS) == 0
        await held.release()
        committed = await commit

    # Then the order's units left the shelf once, and no expiry was recorded
    assert committed.status == "COMMITTED"
    assert await stock_of(catalog, product) == (1, 0)
    assert await movements(catalog, product) == ["RESERVED", "COMMITTED"]


async def test_two_sweeps_at_once_release_a_hold_once(catalog: RunningService) -> None:
    product, _order = await an_expired_hold(catalog)
    async with holding(catalog) as held:
        await held.lock(LOCK_PRODUCT, product)
        # Given one sweep that claimed the hold and waits for the product
        first = asyncio.create_task(reservations(catalog).expire_due())
        await held.until_waiting(1)

        # When a second sweep runs (another replica), it finds nothing to claim
        second = await asyncio.wait_for(reservations(catalog).expire_due(), PROMPT_SECONDS)
        await held.release()

    # Then the two units came back once: reserved never went below zero
    assert (await first, second) == (1, 0)
    assert await stock_of(catalog, product) == (3, 0)
    assert await movements(catalog, product) == ["RESERVED", "EXPIRED"]


async def test_two_reserves_of_one_order_at_once_hold_the_units_once(
    catalog: RunningService,
) -> None:
    product = uuid.UUID((await create_product(catalog, initialStock=3))["id"])
    order = uuid.uuid4()
    service = reservations(catalog)
    async with holding(catalog) as held:
        await held.lock(LOCK_PRODUCT, product)
        # Given a reserve that inserted the order's reservation and waits for the product
        first = asyncio.create_task(service.reserve(order, [(product, 2)], caller="orders"))
        await held.until_waiting(1)
        # And a retry of the same call, waiting on the order id's key
        second = asyncio.create_task(service.reserve(order, [(product, 2)], caller="orders"))
        await held.until_waiting(2)

        # When both go on
        await held.release()
        views = await asyncio.gather(first, second)

    # Then both answer the one reservation, and two units are held, not four
    assert [(v.status, v.lines) for v in views] == [("RESERVED", [(product, 2)])] * 2
    assert await stock_of(catalog, product) == (3, 2)
    assert await movements(catalog, product) == ["RESERVED"]
