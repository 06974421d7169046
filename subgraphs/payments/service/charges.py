"""Charging an order once, whatever the retries, crashes and concurrent calls.

The order's payment is first recorded PENDING with the processor idempotency
key (committed), then whoever holds the row's lock asks the processor with
that key and writes the outcome. A repeat call, a concurrent one or the
recovery job takes the same lock: it waits for the outcome, or finds the row
still pending and drives it to an outcome with the same key, so the processor
charges at most once per order.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.errors import DomainError
from subgraphs.payments import repository
from subgraphs.payments.models import PaymentRow, PaymentStatus
from subgraphs.payments.service.errors import (
    idempotency_conflict,
    invalid_payment_token,
    not_found,
    unavailable,
)
from subgraphs.payments.service.locking import waiting_transaction
from subgraphs.payments.service.processor import (
    ChargeResult,
    InvalidToken,
    PaymentProcessor,
    ProcessorUnavailable,
)
from subgraphs.payments.service.validation import Checks, well_formed_token

NOT_CHARGED = "not_charged"
# A row deleted under us (its token was unknown) is inserted again, this often.
MAX_ROUNDS = 3


@dataclass(frozen=True, slots=True)
class ChargeRequest:
    order_id: uuid.UUID
    user_id: uuid.UUID
    amount: Decimal
    currency: str
    token: str


class _Gone(Enum):
    """The row disappeared while we waited for it (its charge had an unknown token)."""

    GONE = "gone"


def _apply(row: PaymentRow, result: ChargeResult) -> None:
    row.status = (PaymentStatus.SUCCEEDED if result.succeeded else PaymentStatus.FAILED).value
    row.processor_charge_id = result.charge_id
    row.failure_code = None if result.succeeded else (result.failure_code or "declined")
    row.card_brand = result.card_brand
    row.card_last4 = result.card_last4


class ChargeService:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        processor: PaymentProcessor,
        *,
        lock_wait_seconds: float,
    ) -> None:
        self._db = sessionmaker
        self._processor = processor
        self._lock_wait = lock_wait_seconds

    async def charge(self, request: ChargeRequest) -> PaymentRow:
        """The order's payment, charged now or earlier; FAILED when declined.

        Errors: INVALID_INPUT, INVALID_PAYMENT_TOKEN (nothing recorded),
        IDEMPOTENCY_CONFLICT, UNAVAILABLE (outcome unknown: the row stays PENDING).
        """
        checks = Checks()
        amount = checks.amount(request.amount)
        currency = checks.currency(request.currency)
        checks.done()
        if not well_formed_token(request.token):
            raise invalid_payment_token()
        request = ChargeRequest(request.order_id, request.user_id, amount, currency, request.token)
        for _ in range(MAX_ROUNDS):
            async with self._db.begin() as session:
                inserted = await repository.insert_pending_payment(
                    session,
                    order_id=request.order_id,
                    user_id=request.user_id,
                    amount=amount,
                    currency=currency,
                    processor_key=f"pay_{uuid.uuid4().hex}",
                )
            outcome = await self._drive(request, fresh=inserted)
            if outcome is not _Gone.GONE:
                return outcome
        raise unavailable("The payment could not be recorded; try again.")

    async def _drive(self, request: ChargeRequest, *, fresh: bool) -> PaymentRow | _Gone:
        failure: DomainError | None = None
        async with waiting_transaction(self._db, self._lock_wait) as session:
            row = await repository.lock_payment_of_order(session, request.order_id)
            if row is None:
                return _Gone.GONE
            if (row.user_id, row.amount, row.currency) != (
                request.user_id,
                request.amount,
                request.currency,
            ):
                raise idempotency_conflict()
            if row.status != PaymentStatus.PENDING:
                return row
            try:
                # A row we did not just insert may be a crashed attempt's: ask first.
                found = None if fresh else await self._processor.find_charge(row.processor_key)
                result = found or await self._processor.charge(
                    key=row.processor_key,
                    amount=row.amount,
                    currency=row.currency,
                    token=request.token,
                )
            except InvalidToken:
                # Nothing was charged, so nothing stays recorded.
                await repository.delete_payment(session, row.id)
                failure = invalid_payment_token()
            except ProcessorUnavailable:
                failure = unavailable("The payment processor did not answer; try again later.")
            else:
                _apply(row, result)
        if failure is not None:
            raise failure
        return row

    async def settle_order(self, order_id: uuid.UUID) -> PaymentRow:
        """The order's payment, a PENDING one first settled with the processor: its
        charge decides, and no charge there means FAILED (`not_charged`).

        Errors: NOT_FOUND, UNAVAILABLE (the processor cannot be asked now).
        """
        async with self._db() as session:
            row = await repository.payment_of_order(session, order_id)
        if row is None:
            raise not_found("payment for this order", "order_id")
        if row.status != PaymentStatus.PENDING:
            return row
        failure: DomainError | None = None
        async with waiting_transaction(self._db, self._lock_wait) as session:
            row = await repository.lock_payment_of_order(session, order_id)
            if row is None:
                raise not_found("payment for this order", "order_id")
            if row.status == PaymentStatus.PENDING:
                try:
                    found = await self._processor.find_charge(row.processor_key)
                except ProcessorUnavailable:
                    failure = unavailable("The payment processor cannot be asked now.")
                else:
                    if found is not None:
                        _apply(row, found)
                    else:
                        row.status = PaymentStatus.FAILED.value
                        row.failure_code = NOT_CHARGED
        if failure is not None:
            raise failure
        return row
