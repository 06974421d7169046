"""Request ids: the gateway's is kept when it looks like one, else a new one is made;
either way it is in the response and in the log lines of the request."""

from __future__ import annotations

import logging
import re

import httpx
import pytest
from fastapi import FastAPI

from shared.observability.logging import _ContextFilter
from shared.observability.request_id import HEADER, RequestIdMiddleware, current_request_id

logger = logging.getLogger("minishop.test.request_id")


def _app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(RequestIdMiddleware)

    @app.get("/seen")
    async def seen() -> dict[str, str | None]:
        logger.warning("handling")
        return {"request_id": current_request_id()}

    return app


async def _get(headers: dict[str, str | bytes]) -> httpx.Response:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.get("/seen", headers=headers)


async def test_a_plausible_incoming_id_is_kept() -> None:
    response = await _get({HEADER: "gw-123.abc:9"})
    assert response.headers[HEADER] == "gw-123.abc:9"
    assert response.json() == {"request_id": "gw-123.abc:9"}


@pytest.mark.parametrize("incoming", [None, "", "x" * 129, "bad id", "evil\u00e9", "a;b"])
async def test_a_missing_or_implausible_id_is_replaced(incoming: str | None) -> None:
    headers: dict[str, str | bytes] = {HEADER: incoming.encode()} if incoming is not None else {}
    response = await _get(headers)
    made = response.headers[HEADER]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert response.json() == {"request_id": made}


async def test_log_lines_carry_the_request_id(caplog: pytest.LogCaptureFixture) -> None:
    context = _ContextFilter("test")
    logger.addFilter(context)
    try:
        with caplog.at_level(logging.WARNING, logger=logger.name):
            response = await _get({HEADER: "gw-log-1"})
    finally:
        logger.removeFilter(context)
    (record,) = [r for r in caplog.records if r.name == logger.name]
    assert response.headers[HEADER] == "gw-log-1"
    assert record.request_id == "gw-log-1"
