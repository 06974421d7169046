"""The payments service's parts, built once per app and kept on its state."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from subgraphs.payments.service.charges import ChargeService
from subgraphs.payments.service.processor import PaymentProcessor
from subgraphs.payments.service.refunds import RefundService
from subgraphs.payments.settings import PaymentsSettings


@dataclass(frozen=True, slots=True)
class PaymentsServices:
    charges: ChargeService
    refunds: RefundService
    processor: PaymentProcessor

    @classmethod
    def build(
        cls,
        sessionmaker: async_sessionmaker[AsyncSession],
        processor: PaymentProcessor,
        settings: PaymentsSettings,
    ) -> PaymentsServices:
        wait = settings.charge_lock_wait_seconds
        charges = ChargeService(sessionmaker, processor, lock_wait_seconds=wait)
        return cls(
            charges=charges,
            refunds=RefundService(sessionmaker, processor, charges, lock_wait_seconds=wait),
            processor=processor,
        )
