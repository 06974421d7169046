"""The request id: taken from the gateway's `x-request-id` or made here, then
carried in a context variable into every log line and back in the response.

The middleware is asgi-correlation-id's, set to our header and to our rule for
ids from outside: they are only trusted if they look like one (no log injection).
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

from asgi_correlation_id import CorrelationIdMiddleware
from asgi_correlation_id.context import correlation_id
from starlette.types import ASGIApp

HEADER = "x-request-id"
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

# The middleware's own variable, so ids set by consumers and tests reach the same logs.
request_id_var: ContextVar[str | None] = correlation_id


def current_request_id() -> str | None:
    return request_id_var.get()


def plausible_request_id(value: str) -> bool:
    return bool(_VALID.match(value))


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware(CorrelationIdMiddleware):
    """Pure ASGI (no BaseHTTPMiddleware) to keep the hot path cheap."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(
            app, header_name=HEADER, generator=new_request_id, validator=plausible_request_id
        )
