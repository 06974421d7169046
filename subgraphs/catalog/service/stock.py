"""Admin stock adjustments: counted, received or written-off units."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.errors import invalid_input, not_found
from subgraphs.catalog import repository
from subgraphs.catalog.models import ProductRow
from subgraphs.catalog.service import ledger
from subgraphs.catalog.service.validation import MAX_STOCK, Checks


class StockService:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._db = sessionmaker

    async def adjust(self, product_id: str, delta: int, reason: str, *, actor: str) -> ProductRow:
        """Add `delta` units on hand (negative to remove).

        Errors: INVALID_INPUT (bad delta or reason, or a result below zero or
        below the units reserved for orders), NOT_FOUND.
        """
        checks = Checks()
        parsed_id = checks.reference(product_id, "productId")
        checks.stock_delta(delta)
        reason = checks.reason(reason)
        checks.done()
        assert parsed_id is not None
        async with self._db.begin() as session:
            # Locked: a concurrent reservation cannot slip between check and write.
            row = await repository.lock_product(session, parsed_id)
            if row is None:
                raise not_found("product", "productId")
            on_hand = row.stock_on_hand + delta
            if on_hand < 0:
                raise invalid_input(
                    f"Only {row.stock_on_hand} units are on hand; cannot remove {-delta}.", "delta"
                )
            if on_hand < row.stock_reserved:
                raise invalid_input(
                    f"{row.stock_reserved} units are reserved for orders; on hand cannot go "
                    f"below that (it would be {on_hand}).",
                    "delta",
                )
            if on_hand > MAX_STOCK:
                raise invalid_input(f"On hand cannot exceed {MAX_STOCK} units.", "delta")
            await ledger.apply(
                session,
                [ledger.StockChange(row, delta_on_hand=delta)],
                kind=ledger.MovementKind.ADJUSTED,
                reason=reason,
                actor=actor,
            )
            return row
