"""The mock processor's records: charges and refunds, each keyed by its idempotency key.

A test double of a provider: everything lives in memory behind one asyncio
lock, and is lost when the process stops.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, slots=True)
class Card:
    brand: str
    last4: str


# Tokens that charge successfully, and those declined with a code.
CARDS = {"tok_visa": Card("visa", "4242"), "tok_mastercard": Card("mastercard", "4444")}
DECLINES = {
    "tok_chargeDeclined": ("card_declined", Card("visa", "0002")),
    "tok_insufficientFunds": ("insufficient_funds", Card("visa", "9995")),
}
# Fails once per idempotency key with a transient error, then charges.
FLAKY_TOKEN = "tok_processingError"  # noqa: S105 - a test card token, no secret
FLAKY_CARD = Card("visa", "0119")


class Outcome(StrEnum):
    CHARGED = "charged"
    DECLINED = "declined"
    INVALID_TOKEN = "invalid_token"  # noqa: S105 - an outcome name
    TRANSIENT = "processing_error"
    KEY_REUSED = "idempotency_mismatch"


@dataclass(slots=True)
class Charge:
    id: str
    idempotency_key: str
    amount: Decimal
    currency: str
    token: str
    status: str  # "succeeded" | "failed"
    failure_code: str | None
    card_brand: str
    card_last4: str
    refunded: Decimal = Decimal("0.00")

    def body(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "idempotency_key": self.idempotency_key,
            "status": self.status,
            "failure_code": self.failure_code,
            "card_brand": self.card_brand,
            "card_last4": self.card_last4,
            "amount": str(self.amount),
            "currency": self.currency,
            "refunded": str(self.refunded),
        }


@dataclass(frozen=True, slots=True)
class Refund:
    id: str
    idempotency_key: str
    charge_id: str
    amount: Decimal

    def body(self) -> dict[str, Any]:
        return {**asdict(self), "amount": str(self.amount), "status": "succeeded"}


class RefundRefused(Exception):
    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code


@dataclass
class ProcessorStore:
    """Charges and refunds by idempotency key, and the delays tests ask for."""

    charges: dict[str, Charge] = field(default_factory=dict)
    refunds: dict[str, Refund] = field(default_factory=dict)
    # Keys whose first attempt already failed transiently.
    flaked: set[str] = field(default_factory=set)
    delay_seconds: float = 0.0
    delays_left: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def charge(
        self, key: str, amount: Decimal, currency: str, token: str
    ) -> tuple[Outcome, Charge | None]:
        async with self.lock:
            existing = self.charges.get(key)
            if existing is not None:
                if (existing.amount, existing.currency, existing.token) != (
                    amount,
                    currency,
                    token,
                ):
                    return Outcome.KEY_REUSED, None
                return _outcome_of(existing), existing
            if token == FLAKY_TOKEN and key not in self.flaked:
                self.flaked.add(key)
                return Outcome.TRANSIENT, None
            made = _new_charge(key, amount, currency, token)
            if made is None:
                return Outcome.INVALID_TOKEN, None
            self.charges[key] = made
            return _outcome_of(made), made

    async def take_delay(self) -> float:
        """The delay owed to the next charge response (0 when none is asked for)."""
        async with self.lock:
            if self.delays_left <= 0:
                return 0.0
            self.delays_left -= 1
            return self.delay_seconds

    async def set_delay(self, seconds: float, count: int) -> None:
        async with self.lock:
            self.delay_seconds, self.delays_left = seconds, count

    async def charge_by_key(self, key: str) -> Charge | None:
        async with self.lock:
            return self.charges.get(key)

    async def all_charges(self) -> list[Charge]:
        async with self.lock:
            return list(self.charges.values())

    async def refund(self, key: str, charge_id: str, amount: Decimal) -> Refund:
        async with self.lock:
            existing = self.refunds.get(key)
            if existing is not None:
                if (existing.charge_id, existing.amount) != (charge_id, amount):
                    raise RefundRefused(409, Outcome.KEY_REUSED.value)
                return existing
            charge = next((c for c in self.charges.values() if c.id == charge_id), None)
            if charge is None:
                raise RefundRefused(404, "charge_not_found")
            if charge.status != "succeeded":
                raise RefundRefused(400, "charge_not_captured")
            if charge.refunded + amount > charge.amount:
                raise RefundRefused(400, "amount_too_large")
            charge.refunded += amount
            made = Refund(f"re_{secrets.token_hex(12)}", key, charge_id, amount)
            self.refunds[key] = made
            return made


def _outcome_of(charge: Charge) -> Outcome:
    return Outcome.CHARGED if charge.status == "succeeded" else Outcome.DECLINED


def _new_charge(key: str, amount: Decimal, currency: str, token: str) -> Charge | None:
    code: str | None = None
    if token in CARDS:
        card = CARDS[token]
    elif token in DECLINES:
        code, card = DECLINES[token]
    elif token == FLAKY_TOKEN:
        card = FLAKY_CARD
    else:
        return None
    return Charge(
        id=f"ch_{secrets.token_hex(12)}",
        idempotency_key=key,
        amount=amount,
        currency=currency,
        token=token,
        status="failed" if code else "succeeded",
        failure_code=code,
        card_brand=card.brand,
        card_last4=card.last4,
    )
