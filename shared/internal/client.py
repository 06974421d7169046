"""Calling another service's internal routes: one pooled client per process.

    client = InternalClient(caller="orders")
    catalog = client.service("catalog")
    reservation = await catalog.post(
        "/internal/reservations", body=request, response_model=Reservation, idempotent=True
    )

Each call carries a fresh service token and the current request id, has short
timeouts, and is retried with backoff when that is safe: idempotent calls on
any transport failure or 502/503/504, every call when the connection could not
even be opened. A typed error response becomes `InternalCallError` with its code.
"""

from __future__ import annotations

import logging
import os
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import stamina
from pydantic import BaseModel, ValidationError

from shared.internal.errors import ErrorResponse
from shared.internal.tokens import HEADER, mint_service_token
from shared.observability.request_id import HEADER as REQUEST_ID_HEADER
from shared.observability.request_id import current_request_id
from shared.services import service as service_spec
from shared.settings import platform_settings

logger = logging.getLogger("minishop.internal")

ModelT = TypeVar("ModelT", bound=BaseModel)

# Internal calls sit inside a user's request: fail fast rather than hold it.
DEFAULT_TIMEOUT = httpx.Timeout(3.0, connect=1.0)
RETRYABLE_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded attempts with exponential backoff and jitter (run by stamina)."""

    attempts: int = 3
    base_delay_seconds: float = 0.1
    max_delay_seconds: float = 1.0

    def delay(self, retry: int) -> float:
        """The same backoff for a caller's own retry loop (one that must decide
        per answer, such as a payment's outcome), so retrying callers do not move in step."""
        ceiling = min(self.max_delay_seconds, self.base_delay_seconds * 2**retry)
        return ceiling * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not a secret


class InternalCallError(Exception):
    """The other service answered with an error (or could not be reached)."""

    def __init__(
        self,
        target: str,
        status: int | None,
        code: str,
        message: str,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{target}: {code}: {message}")
        self.target = target
        self.status = status
        self.code = code
        self.message = message
        self.details = dict(details or {})


class ServiceUnavailable(InternalCallError):
    """No usable answer after the allowed attempts (network failure, 502/503/504)."""


def service_base_url(name: str, environ: Mapping[str, str] | None = None) -> str:
    """`MINISHOP_SERVICE_<NAME>_URL` (set by the dev stack and deployments), else the
    service's default local port."""
    env = os.environ if environ is None else environ
    configured = env.get(f"MINISHOP_SERVICE_{name.upper()}_URL", "").strip()
    if configured:
        return configured.rstrip("/")
    try:
        return f"http://127.0.0.1:{service_spec(name).port}"
    except KeyError:
        raise LookupError(f"set MINISHOP_SERVICE_{name.upper()}_URL for {name!r}") from None


class InternalClient:
    """Calls from the service `caller` to its peers, over one pooled httpx client."""

    def __init__(
        self,
        caller: str,
        *,
        secret: str | None = None,
        http: httpx.AsyncClient | None = None,
        base_urls: Mapping[str, str] | None = None,
        retry: RetryPolicy | None = None,
        token_ttl_seconds: int = 60,
    ) -> None:
        self.caller = caller
        self._secret = secret
        self._http = http or httpx.AsyncClient(timeout=DEFAULT_TIMEOUT)
        self._owns_http = http is None
        self._base_urls = dict(base_urls or {})
        self.retry = retry or RetryPolicy()
        self._token_ttl = token_ttl_seconds

    def service(self, target: str) -> ServiceClient:
        return ServiceClient(self, target)

    def base_url(self, target: str) -> str:
        if target not in self._base_urls:
            self._base_urls[target] = service_base_url(target)
        return self._base_urls[target]

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    def _headers(self, target: str) -> dict[str, str]:
        secret = self._secret if self._secret is not None else platform_settings().internal_secret
        headers = {
            HEADER: mint_service_token(
                secret, caller=self.caller, audience=target, ttl_seconds=self._token_ttl
            )
        }
        if request_id := current_request_id():
            headers[REQUEST_ID_HEADER] = request_id
        return headers

    async def call(
        self,
        target: str,
        method: str,
        path: str,
        *,
        response_model: type[ModelT],
        body: BaseModel | None = None,
        params: Mapping[str, Any] | None = None,
        idempotent: bool,
    ) -> ModelT:
        """One logical call, retried per the policy; returns the parsed response."""
        url = self.base_url(target) + path
        content = body.model_dump_json().encode() if body is not None else None

        def retryable(error: Exception) -> bool:
            # A connection never opened carried nothing: safe to retry anything.
            again = isinstance(error, _RetryableStatus) or (
                isinstance(error, httpx.TransportError)
                and (idempotent or isinstance(error, httpx.ConnectError))
            )
            if again:
                logger.warning("internal call to %s %s failed (%s), retrying", target, path, error)
            return again

        try:
            async for attempt in stamina.retry_context(
                on=retryable,
                attempts=self.retry.attempts,
                timeout=None,
                wait_initial=self.retry.base_delay_seconds,
                wait_max=self.retry.max_delay_seconds,
                wait_jitter=self.retry.base_delay_seconds,
            ):
                with attempt:
                    response = await self._http.request(
                        method,
                        url,
                        content=content,
                        params=params,
                        headers={**self._headers(target), "content-type": "application/json"},
                    )
                    if response.status_code in RETRYABLE_STATUSES and idempotent:
                        raise _RetryableStatus(response)
        except _RetryableStatus as exhausted:
            response = exhausted.response
        except httpx.TransportError as error:
            raise ServiceUnavailable(
                target, None, "UNAVAILABLE", f"{type(error).__name__} calling {path}"
            ) from error
        return _parse(target, response, response_model)


class _RetryableStatus(Exception):
    """A 502/503/504 to an idempotent call: raised so that stamina retries it."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


class ServiceClient:
    """An `InternalClient` bound to one target service."""

    def __init__(self, client: InternalClient, target: str) -> None:
        self._client = client
        self.target = target

    async def get(
        self, path: str, *, response_model: type[ModelT], params: Mapping[str, Any] | None = None
    ) -> ModelT:
        return await self._client.call(
            self.target, "GET", path, response_model=response_model, params=params, idempotent=True
        )

    async def post(
        self,
        path: str,
        *,
        response_model: type[ModelT],
        idempotent: bool,
        body: BaseModel | None = None,
    ) -> ModelT:
        """`idempotent=True` only for routes keyed so that a repeat changes nothing."""
        return await self._client.call(
            self.target,
            "POST",
            path,
            response_model=response_model,
            body=body,
            idempotent=idempotent,
        )


def _parse(target: str, response: httpx.Response, model: type[ModelT]) -> ModelT:
    if response.is_success:
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            raise InternalCallError(
                target, response.status_code, "INVALID_RESPONSE", "unexpected response body"
            ) from exc
    try:
        error = ErrorResponse.model_validate_json(response.content).error
    except ValidationError:
        kind = ServiceUnavailable if response.status_code >= 500 else InternalCallError
        raise kind(
            target, response.status_code, "UNEXPECTED_RESPONSE", f"HTTP {response.status_code}"
        ) from None
    kind = ServiceUnavailable if response.status_code in RETRYABLE_STATUSES else InternalCallError
    raise kind(target, response.status_code, error.code, error.message, error.details)
