"""Holding stock for orders: reserve all lines or none, then commit or release.

Every call is keyed by the order id and idempotent: a repeat returns the
reservation as it stands and changes nothing, so the orders service can retry
freely. Products are locked in id order in every transaction that touches
several, so concurrent reservations serialise per product and never deadlock;
N buyers of the last units cannot oversell (and the table's CHECKs agree).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.db import utcnow
from shared.errors import DomainError, invalid_input, not_found
from subgraphs.catalog import repository
from subgraphs.catalog.models import ProductRow, ReservationRow, ReservationStatus
from subgraphs.catalog.service import ledger
from subgraphs.catalog.service.errors import (
    OutOfStock,
    ProductsUnavailable,
    ShortLine,
    invalid_state,
)

MAX_LINES = 100
MAX_QUANTITY = 10_000
Lines = Sequence[tuple[uuid.UUID, int]]


@dataclass(frozen=True, slots=True)
class ReservationView:
    order_id: uuid.UUID
    status: ReservationStatus
    expires_at: datetime
    lines: list[tuple[uuid.UUID, int]]


def _validate(lines: Lines) -> list[tuple[uuid.UUID, int]]:
    if not 1 <= len(lines) <= MAX_LINES:
        raise invalid_input(f"A reservation has 1 to {MAX_LINES} lines.", "lines")
    if len({product_id for product_id, _ in lines}) != len(lines):
        raise invalid_input("Each product may appear on one line only.", "lines")
    if any(not 1 <= quantity <= MAX_QUANTITY for _, quantity in lines):
        raise invalid_input(f"Quantities are 1 to {MAX_QUANTITY}.", "lines")
    return sorted(lines)


class ReservationService:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        default_ttl: timedelta,
        max_ttl: timedelta,
        sweep_batch: int = 100,
    ) -> None:
        self._db = sessionmaker
        self.default_ttl = default_ttl
        self.max_ttl = max_ttl
        self._sweep_batch = sweep_batch

    async def reserve(
        self, order_id: uuid.UUID, lines: Lines, *, caller: str, ttl: timedelta | None = None
    ) -> ReservationView:
        """Errors: INVALID_INPUT, PRODUCT_UNAVAILABLE, OUT_OF_STOCK, INVALID_STATE (the
        order's hold was released or expired), IDEMPOTENCY_CONFLICT (other lines)."""
        wanted = _validate(lines)
        ttl = ttl or self.default_ttl
        if not timedelta(seconds=1) <= ttl <= self.max_ttl:
            raise invalid_input(f"The hold lasts 1 s to {self.max_ttl}.", "ttlSeconds")
        try:
            return await self._reserve_once(order_id, wanted, caller, ttl)
        except OutOfStock as short:
            # Holds past their deadline may not have been swept yet: sweep the
            # products in question and try once more before saying no.
            swept = await self.expire_due(product_ids=[line.product_id for line in short.lines])
            if not swept:
                raise
        return await self._reserve_once(order_id, wanted, caller, ttl)

    async def _reserve_once(
        self, order_id: uuid.UUID, wanted: list[tuple[uuid.UUID, int]], caller: str, ttl: timedelta
    ) -> ReservationView:
        async with self._db.begin() as session:
            expires_at = utcnow() + ttl
            if not await repository.claim_order(session, order_id, caller, expires_at):
                return await self._repeat(session, order_id, wanted)
            products = {
                row.id: row
                for row in await repository.lock_products(session, [pid for pid, _ in wanted])
            }
            unavailable = [
                pid for pid, _ in wanted if pid not in products or not products[pid].active
            ]
            if unavailable:
                raise ProductsUnavailable(unavailable)
            short = [
                ShortLine(pid, quantity, max(products[pid].stock_available, 0))
                for pid, quantity in wanted
                if products[pid].stock_available < quantity
            ]
            if short:
                raise OutOfStock(short)
            await repository.add_lines(session, order_id, wanted)
            await ledger.apply(
                session,
                [ledger.StockChange(products[pid], delta_reserved=qty) for pid, qty in wanted],
                kind=ledger.MovementKind.RESERVED,
                reason="held for an order",
                actor=ledger.service_actor(caller),
                order_id=order_id,
            )
            return ReservationView(order_id, ReservationStatus.RESERVED, expires_at, wanted)

    async def _repeat(
        self, session: AsyncSession, order_id: uuid.UUID, wanted: list[tuple[uuid.UUID, int]]
    ) -> ReservationView:
        reservation, lines = await self._load(session, order_id)
        if reservation.status in (ReservationStatus.RELEASED, ReservationStatus.EXPIRED):
            raise invalid_state(
                f"This order's reservation was {reservation.status.lower()}; "
                "reserve under a new order id."
            )
        if lines != wanted:
            raise DomainError(
                "IDEMPOTENCY_CONFLICT", "This order id was reserved with other lines."
            )
        return _view(reservation, lines)

    async def commit(self, order_id: uuid.UUID, *, caller: str) -> ReservationView:
        """The order is paid: its held units leave the stock on hand.

        A hold past its deadline that the sweep has not released yet can still
        be committed. Errors: NOT_FOUND, INVALID_STATE (released or expired).
        """
        async with self._db.begin() as session:
            reservation, lines = await self._load(session, order_id)
            if reservation.status == ReservationStatus.COMMITTED:
                return _view(reservation, lines)
            if reservation.status != ReservationStatus.RESERVED:
                raise invalid_state(
                    f"This order's reservation was {reservation.status.lower()}; "
                    "it cannot be committed."
                )
            products = await self._lock(session, lines)
            await ledger.apply(
                session,
                [ledger.StockChange(products[pid], -qty, -qty) for pid, qty in lines],
                kind=ledger.MovementKind.COMMITTED,
                reason="order paid",
                actor=ledger.service_actor(caller),
                order_id=order_id,
            )
            reservation.status = ReservationStatus.COMMITTED.value
            await session.flush()
            return _view(reservation, lines)

    async def release(self, order_id: uuid.UUID, *, caller: str) -> ReservationView:
        """Give the order's units back: a hold is dropped, a committed order's units
        return on hand (a cancelled paid order).

        Releasing an order never reserved leaves a RELEASED marker, so a reserve
        call for it that arrives late (a retry stuck in the network) cannot hold
        stock nobody will release. A repeat changes nothing.
        """
        async with self._db.begin() as session:
            if await repository.claim_order(
                session, order_id, caller, utcnow(), status=ReservationStatus.RELEASED
            ):
                return ReservationView(order_id, ReservationStatus.RELEASED, utcnow(), [])
            reservation, lines = await self._load(session, order_id)
            previous = reservation.status
            if previous in (ReservationStatus.RELEASED, ReservationStatus.EXPIRED):
                return _view(reservation, lines)
            products = await self._lock(session, lines)
            if previous == ReservationStatus.RESERVED:
                changes = [ledger.StockChange(products[p], 0, -q) for p, q in lines]
                kind, reason = ledger.MovementKind.RELEASED, "hold released"
            else:
                changes = [ledger.StockChange(products[p], q, 0) for p, q in lines]
                kind, reason = ledger.MovementKind.RESTOCKED, "paid order cancelled"
            await ledger.apply(
                session,
                changes,
                kind=kind,
                reason=reason,
                actor=ledger.service_actor(caller),
                order_id=order_id,
            )
            reservation.status = ReservationStatus.RELEASED.value
            await session.flush()
            return _view(reservation, lines)

    async def expire_due(self, *, product_ids: Sequence[uuid.UUID] | None = None) -> int:
        """Release holds past their deadline (those of `product_ids` only, if given);
        returns how many. Safe to run from several processes at once."""
        async with self._db.begin() as session:
            due = await repository.claim_due(session, utcnow(), self._sweep_batch, product_ids)
            if not due:
                return 0
            by_order: dict[uuid.UUID, list[tuple[uuid.UUID, int]]] = {r.order_id: [] for r in due}
            for line in await repository.lines_of(session, list(by_order)):
                by_order[line.order_id].append((line.product_id, line.quantity))
            all_lines = [line for lines in by_order.values() for line in lines]
            products = await self._lock(session, all_lines)
            for reservation in due:
                await ledger.apply(
                    session,
                    [
                        ledger.StockChange(products[p], 0, -q)
                        for p, q in by_order[reservation.order_id]
                    ],
                    kind=ledger.MovementKind.EXPIRED,
                    reason="hold expired",
                    actor=ledger.EXPIRY_ACTOR,
                    order_id=reservation.order_id,
                )
                reservation.status = ReservationStatus.EXPIRED.value
            await session.flush()
            return len(due)

    async def get(self, order_id: uuid.UUID) -> ReservationView:
        """Errors: NOT_FOUND."""
        async with self._db() as session:
            reservation, lines = await self._load(session, order_id, lock=False)
        return _view(reservation, lines)

    async def _load(
        self, session: AsyncSession, order_id: uuid.UUID, *, lock: bool = True
    ) -> tuple[ReservationRow, list[tuple[uuid.UUID, int]]]:
        reservation = await repository.reservation(session, order_id, lock=lock)
        if reservation is None:
            raise not_found("reservation for this order")
        lines = [
            (line.product_id, line.quantity)
            for line in await repository.reservation_lines(session, order_id)
        ]
        return reservation, lines

    async def _lock(
        self, session: AsyncSession, lines: Sequence[tuple[uuid.UUID, int]]
    ) -> dict[uuid.UUID, ProductRow]:
        ids = sorted({pid for pid, _ in lines})
        return {row.id: row for row in await repository.lock_products(session, ids)}


def _view(reservation: ReservationRow, lines: list[tuple[uuid.UUID, int]]) -> ReservationView:
    return ReservationView(
        reservation.order_id, ReservationStatus(reservation.status), reservation.expires_at, lines
    )
