"""The mock card processor's HTTP API (a third-party provider's stand-in).

    POST /v1/charges            Idempotency-Key; {"amount", "currency", "token"}
        200 a succeeded charge, 402 a declined one (same body), 400 unknown token,
        503 {"code": "processing_error"} (transient: retry with the same key),
        409 the key was used with other parameters
    GET  /v1/charges/{key}      the charge made with that key, or 404
    POST /v1/refunds            Idempotency-Key; {"charge_id", "amount"}
    POST /v1/_control/delay     {"seconds", "count"}: the next `count` charge
                                responses wait `seconds` after the charge is recorded
    GET  /v1/_control/charges   every charge made (tests count them)

One charge per idempotency key: a repeat returns the recorded one. It is a
test double: records live in memory (see `store`) and it listens on 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Annotated, Any

from fastapi import FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from subgraphs.payments.processor.store import Outcome, ProcessorStore, RefundRefused

MAX_AMOUNT = Decimal("1000000.00")
CENT = Decimal("0.01")
KEY_HEADER = "Idempotency-Key"
IdempotencyKey = Annotated[str, Header(alias=KEY_HEADER, min_length=1, max_length=128)]
Amount = Annotated[Decimal, Field(gt=0, le=MAX_AMOUNT, decimal_places=2, allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChargeRequest(_Strict):
    amount: Amount
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    token: Annotated[str, Field(min_length=1, max_length=100)]


class RefundRequest(_Strict):
    charge_id: Annotated[str, Field(min_length=1, max_length=64)]
    amount: Amount


class DelayRequest(_Strict):
    seconds: Annotated[float, Field(ge=0, le=60)]
    count: Annotated[int, Field(ge=0, le=1000)]


def _error(status: int, code: str) -> JSONResponse:
    return JSONResponse({"code": code}, status_code=status)


def _store(request: Request) -> ProcessorStore:
    store: ProcessorStore = request.app.state.store
    return store


async def create_charge(
    body: ChargeRequest, request: Request, idempotency_key: IdempotencyKey
) -> JSONResponse:
    store = _store(request)
    outcome, charge = await store.charge(
        idempotency_key, body.amount.quantize(CENT), body.currency, body.token
    )
    if outcome is Outcome.INVALID_TOKEN:
        return _error(400, "invalid_token")
    if outcome is Outcome.TRANSIENT:
        return _error(503, "processing_error")
    if outcome is Outcome.KEY_REUSED or charge is None:
        return _error(409, Outcome.KEY_REUSED.value)
    # After recording: a caller that gives up waiting still left a charge behind.
    if delay := await store.take_delay():
        await asyncio.sleep(delay)
    return JSONResponse(charge.body(), status_code=200 if outcome is Outcome.CHARGED else 402)


async def read_charge(idempotency_key: str, request: Request) -> JSONResponse:
    charge = await _store(request).charge_by_key(idempotency_key)
    if charge is None:
        return _error(404, "not_found")
    return JSONResponse(charge.body())


async def create_refund(
    body: RefundRequest, request: Request, idempotency_key: IdempotencyKey
) -> JSONResponse:
    try:
        refund = await _store(request).refund(
            idempotency_key, body.charge_id, body.amount.quantize(CENT)
        )
    except RefundRefused as refused:
        return _error(refused.status, refused.code)
    return JSONResponse(refund.body())


async def set_delay(body: DelayRequest, request: Request) -> dict[str, Any]:
    await _store(request).set_delay(body.seconds, body.count)
    return {"seconds": body.seconds, "count": body.count}


async def list_charges(request: Request) -> dict[str, Any]:
    return {"charges": [charge.body() for charge in await _store(request).all_charges()]}


async def ready() -> dict[str, str]:
    return {"status": "ready"}


async def _invalid_request(_request: Request, _error_: Exception) -> JSONResponse:
    # A provider answers malformed requests 400, never with our framework's 422.
    return _error(400, "invalid_request")


def create_app() -> FastAPI:
    app = FastAPI(title="Mock card processor", docs_url=None, redoc_url=None)
    app.state.store = ProcessorStore()
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_api_route("/v1/charges", create_charge, methods=["POST"])
    app.add_api_route("/v1/charges/{idempotency_key}", read_charge, methods=["GET"])
    app.add_api_route("/v1/refunds", create_refund, methods=["POST"])
    app.add_api_route("/v1/_control/delay", set_delay, methods=["POST"])
    app.add_api_route("/v1/_control/charges", list_charges, methods=["GET"])
    app.add_api_route("/health/ready", ready, methods=["GET"])
    app.add_api_route("/health/live", ready, methods=["GET"])
    return app
