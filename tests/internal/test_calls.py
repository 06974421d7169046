"""Internal routes and the client, end to end over a toy app (no database needed)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from pydantic import BaseModel, Field

from shared.internal import (
    HEADER,
    InternalApiError,
    InternalCallError,
    InternalClient,
    RetryPolicy,
    ServiceCaller,
    ServiceUnavailable,
    error_responses,
    internal_router,
    mint_service_token,
)
from shared.observability.request_id import RequestIdMiddleware, request_id_var

SECRET = "toy-secret-for-internal-calls-0123456789"
FAST_RETRY = RetryPolicy(attempts=3, base_delay_seconds=0.001, max_delay_seconds=0.002)


class Echo(BaseModel):
    caller: str
    request_id: str | None
    value: int = Field(ge=0)


class EchoRequest(BaseModel):
    value: int = Field(ge=0)


@dataclass
class Flaky:
    """Fails with 503 `failures` times, then answers; counts the attempts."""

    failures: int = 0
    attempts: int = 0
    seen: list[str] = field(default_factory=list)


def toy_app(flaky: Flaky) -> FastAPI:
    router = internal_router(audience="toy", allowed_callers={"orders"}, secret=lambda: SECRET)

    @router.post("/echo", response_model=Echo)
    async def echo(body: EchoRequest, caller: ServiceCaller, request: Request) -> Echo:
        return Echo(
            caller=caller.name, request_id=request.headers.get("x-request-id"), value=body.value
        )

    @router.post("/short", responses=error_responses(409))
    async def short(body: EchoRequest) -> Echo:
        raise InternalApiError(409, "OUT_OF_STOCK", "Not enough.", {"lines": [body.value]})

    @router.post("/flaky", response_model=Echo)
    async def flaky_route(body: EchoRequest, response: Response) -> Echo | Response:
        flaky.attempts += 1
        if flaky.attempts <= flaky.failures:
            return Response(status_code=503)
        return Echo(caller="-", request_id=None, value=body.value)

    app = FastAPI()
    app.add_middleware(RequestIdMiddleware)
    app.include_router(router)
    return app


@pytest.fixture
async def flaky() -> Flaky:
    return Flaky()


@pytest.fixture
async def http(flaky: Flaky) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=toy_app(flaky))
    async with httpx.AsyncClient(transport=transport, base_url="http://toy") as client:
        yield client


def _client(http: httpx.AsyncClient, caller: str = "orders") -> InternalClient:
    return InternalClient(
        caller, secret=SECRET, http=http, base_urls={"toy": "http://toy"}, retry=FAST_RETRY
    )


async def test_a_call_carries_the_caller_and_the_request_id(http: httpx.AsyncClient) -> None:
    token = request_id_var.set("req-123")
    try:
        echo = (
            await _client(http)
            .service("toy")
            .post("/internal/echo", body=EchoRequest(value=7), response_model=Echo, idempotent=True)
        )
    finally:
        request_id_var.reset(token)
    assert echo == Echo(caller="orders", request_id="req-123", value=7)


@pytest.mark.parametrize(
    ("token", "status", "code"),
    [
        (None, 401, "UNAUTHENTICATED"),
        ("v1.garbage.sig", 401, "UNAUTHENTICATED"),
        ("v1.\u00fc.AAAA", 401, "UNAUTHENTICATED"),
        (("wrong-secret", "orders", "toy"), 401, "UNAUTHENTICATED"),
        ((SECRET, "orders", "catalog"), 401, "UNAUTHENTICATED"),
        ((SECRET, "cart", "toy"), 403, "FORBIDDEN"),
    ],
)
async def test_routes_refuse_callers_without_a_valid_token(
    http: httpx.AsyncClient, token: str | tuple[str, str, str] | None, status: int, code: str
) -> None:
    # Minted here, not at collection: a token lives a minute.
    if isinstance(token, tuple):
        secret, caller, audience = token
        token = mint_service_token(secret, caller=caller, audience=audience)
    # Sent as bytes: a proxy may pass on any byte, and the server reads Latin-1.
    headers = {HEADER: token.encode()} if token else {}
    # A malformed body too: authentication comes before the body is read.
    response = await http.post("/internal/echo", content=b"{not json", headers=headers)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


async def test_a_bad_body_is_a_typed_422(http: httpx.AsyncClient) -> None:
    token = mint_service_token(SECRET, caller="orders", audience="toy")
    response = await http.post("/internal/echo", json={"value": -1}, headers={HEADER: token})
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "INVALID_REQUEST"
    assert body["details"]["errors"][0]["loc"] == ["body", "value"]


async def test_a_domain_error_comes_back_with_its_code_and_details(
    http: httpx.AsyncClient,
) -> None:
    with pytest.raises(InternalCallError) as caught:
        await (
            _client(http)
            .service("toy")
            .post(
                "/internal/short", body=EchoRequest(value=3), response_model=Echo, idempotent=True
            )
        )
    assert (caught.value.status, caught.value.code) == (409, "OUT_OF_STOCK")
    assert caught.value.details == {"lines": [3]}
    assert not isinstance(caught.value, ServiceUnavailable)


async def test_idempotent_calls_are_retried_through_503s(
    http: httpx.AsyncClient, flaky: Flaky
) -> None:
    flaky.failures = 2
    echo = (
        await _client(http)
        .service("toy")
        .post("/internal/flaky", body=EchoRequest(value=1), response_model=Echo, idempotent=True)
    )
    assert echo.value == 1
    assert flaky.attempts == 3


async def test_retries_stop_after_the_allowed_attempts(
    http: httpx.AsyncClient, flaky: Flaky
) -> None:
    flaky.failures = 10
    with pytest.raises(ServiceUnavailable) as caught:
        await (
            _client(http)
            .service("toy")
            .post(
                "/internal/flaky", body=EchoRequest(value=1), response_model=Echo, idempotent=True
            )
        )
    assert caught.value.status == 503
    assert flaky.attempts == FAST_RETRY.attempts


async def test_non_idempotent_calls_are_not_retried(http: httpx.AsyncClient, flaky: Flaky) -> None:
    flaky.failures = 1
    with pytest.raises(ServiceUnavailable):
        await (
            _client(http)
            .service("toy")
            .post(
                "/internal/flaky", body=EchoRequest(value=1), response_model=Echo, idempotent=False
            )
        )
    assert flaky.attempts == 1


def _failing_transport(
    error: type[httpx.TransportError], failures: int
) -> tuple[httpx.MockTransport, list[int]]:
    calls: list[int] = []

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) <= failures:
            raise error("simulated", request=request)
        return httpx.Response(200, json={"caller": "x", "request_id": None, "value": 5})

    return httpx.MockTransport(handle), calls


@pytest.mark.parametrize(
    ("error", "idempotent", "expected_calls", "succeeds"),
    [
        (httpx.ReadTimeout, True, 2, True),  # timed out: retried when idempotent
        (httpx.ReadTimeout, False, 1, False),  # … but not otherwise: it may have happened
        (httpx.ConnectError, False, 2, True),  # never connected: nothing happened, retry
    ],
)
async def test_transport_failures_are_retried_only_when_safe(
    error: type[httpx.TransportError], idempotent: bool, expected_calls: int, succeeds: bool
) -> None:
    transport, calls = _failing_transport(error, failures=1)
    async with httpx.AsyncClient(transport=transport) as http:
        call = (
            _client(http)
            .service("toy")
            .post(
                "/internal/echo",
                body=EchoRequest(value=5),
                response_model=Echo,
                idempotent=idempotent,
            )
        )
        if succeeds:
            assert (await call).value == 5
        else:
            with pytest.raises(ServiceUnavailable):
                await call
    assert len(calls) == expected_calls


def test_openapi_documents_models_errors_and_the_credential(flaky: Flaky) -> None:
    document = toy_app(flaky).openapi()
    operation = document["paths"]["/internal/echo"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/EchoRequest"
    }
    assert {"401", "403", "422"} <= set(operation["responses"])
    assert operation["security"] == [{"ServiceToken": []}]
    scheme = document["components"]["securitySchemes"]["ServiceToken"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": HEADER}
    assert "409" in document["paths"]["/internal/short"]["post"]["responses"]
