"""The card processor behind an interface, and its HTTP implementation.

Every call carries an idempotency key, so a call whose answer was lost (a
timeout, a 5xx, a dropped connection) is retried with the same key and the
processor charges or refunds at most once. When the retries run out the
outcome is *unknown*: `ProcessorUnavailable`, and the caller keeps its record
pending until the processor can be asked again.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

import httpx
import stamina

from subgraphs.payments.settings import PaymentsSettings


@dataclass(frozen=True, slots=True)
class ChargeResult:
    charge_id: str
    succeeded: bool
    failure_code: str | None
    card_brand: str | None
    card_last4: str | None


@dataclass(frozen=True, slots=True)
class RefundResult:
    refund_id: str


class ProcessorUnavailable(Exception):
    """The processor did not answer in time: the call's outcome is unknown."""


class InvalidToken(Exception):
    """The processor does not know the payment token; nothing was charged."""


class ProcessorRejected(Exception):
    """The processor refused the call for good (not worth retrying)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class PaymentProcessor(Protocol):
    async def charge(
        self, *, key: str, amount: Decimal, currency: str, token: str
    ) -> ChargeResult: ...

    async def find_charge(self, key: str) -> ChargeResult | None:
        """The charge made with `key`, or None when the processor has none."""
        ...

    async def refund(self, *, key: str, charge_id: str, amount: Decimal) -> RefundResult: ...

    async def aclose(self) -> None: ...


class _Transient(Exception):
    """One attempt failed in a way another attempt with the same key may fix."""


def _error_code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"http_{response.status_code}"
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, str) else f"http_{response.status_code}"


def _charge(body: dict[str, Any]) -> ChargeResult:
    return ChargeResult(
        charge_id=str(body["id"]),
        succeeded=body.get("status") == "succeeded",
        failure_code=body.get("failure_code"),
        card_brand=body.get("card_brand"),
        card_last4=body.get("card_last4"),
    )


class HttpProcessor:
    """The processor's HTTP API (`subgraphs.payments.processor` locally)."""

    def __init__(self, settings: PaymentsSettings, http: httpx.AsyncClient | None = None) -> None:
        self._http = http or httpx.AsyncClient(
            base_url=settings.processor_url, timeout=settings.processor_timeout_seconds
        )
        self._attempts = settings.processor_attempts
        self._wait_initial = settings.processor_backoff_initial_seconds
        self._wait_max = settings.processor_backoff_max_seconds

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The answer of the first attempt that is not transient."""
        try:
            async for attempt in stamina.retry_context(
                on=_Transient,
                attempts=self._attempts,
                timeout=None,
                wait_initial=self._wait_initial,
                wait_max=self._wait_max,
                wait_jitter=self._wait_initial,
            ):
                with attempt:
                    try:
                        response = await self._http.request(method, path, **kwargs)
                    except httpx.TransportError as exc:  # timeouts and refused connections
                        raise _Transient(type(exc).__name__) from exc
                    if response.status_code >= 500:
                        raise _Transient(_error_code(response))
                    return response
        except _Transient as exc:
            raise ProcessorUnavailable(str(exc)) from exc
        raise AssertionError("stamina ends with a return or an exception")  # pragma: no cover

    async def charge(self, *, key: str, amount: Decimal, currency: str, token: str) -> ChargeResult:
        response = await self._call(
            "POST",
            "/v1/charges",
            json={"amount": str(amount), "currency": currency, "token": token},
            headers={"Idempotency-Key": key},
        )
        if response.status_code in (200, 402):
            return _charge(response.json())
        code = _error_code(response)
        if response.status_code == 400 and code == "invalid_token":
            raise InvalidToken(token)
        raise ProcessorRejected(code)

    async def find_charge(self, key: str) -> ChargeResult | None:
        response = await self._call("GET", f"/v1/charges/{key}")
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise ProcessorRejected(_error_code(response))
        return _charge(response.json())

    async def refund(self, *, key: str, charge_id: str, amount: Decimal) -> RefundResult:
        response = await self._call(
            "POST",
            "/v1/refunds",
            json={"charge_id": charge_id, "amount": str(amount)},
            headers={"Idempotency-Key": key},
        )
        if response.status_code != 200:
            raise ProcessorRejected(_error_code(response))
        return RefundResult(refund_id=str(response.json()["id"]))
