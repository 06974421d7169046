"""Running a probe as a caller through the gateway, and naming the answer."""

from __future__ import annotations

import json
from typing import Any

import httpx

from shared.operations import load_operations
from tests.authz.matrix import (
    CATALOG_READ,
    DATA,
    FORBIDDEN,
    NULL,
    REFUSED,
    SHIPPING_READ,
    UNAUTHENTICATED,
    Probe,
    user_errors,
)
from tests.authz.world import Cast
from tests.support.accounts import client_address

MANIFEST = {operation.name: operation.id for operation in load_operations()}
# Scope None: any partner; the second is the "partner_without" of that probe.
_PARTNERS = {
    None: (CATALOG_READ, SHIPPING_READ),
    CATALOG_READ: (CATALOG_READ, SHIPPING_READ),
    SHIPPING_READ: (SHIPPING_READ, CATALOG_READ),
}


def token_of(cast: Cast, probe: Probe, caller: str) -> str | None:
    if caller.startswith("partner"):
        with_scope, without = _PARTNERS[probe.scope]
        return cast.partners[without if caller == "partner_without" else with_scope]
    return cast.tokens[caller]


def _dig(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if data is None:
            return None
        data = data.get(key)
    return data


def outcome(body: dict[str, Any], probe: Probe) -> str:
    codes = sorted({(e.get("extensions") or {}).get("code", "") for e in body.get("errors") or []})
    value = _dig(body.get("data"), probe.path)
    if "PERSISTED_QUERY_NOT_IN_LIST" in codes:
        return REFUSED
    for code in (UNAUTHENTICATED, FORBIDDEN):
        if code in codes:
            # Refused means refused: nothing of the field comes with the error.
            return code if value is None else f"{code} with data"
    if codes:
        return "errors:" + ",".join(codes)
    if value is None:
        return NULL
    if probe.mutation and value.get("userErrors"):
        return user_errors(*sorted({e["code"] for e in value["userErrors"]}))
    return DATA


async def call(
    http: httpx.AsyncClient, url: str, cast: Cast, probe: Probe, caller: str
) -> tuple[str, str]:
    """(outcome, raw body) of `probe` as `caller`."""
    token = token_of(cast, probe, caller)
    headers = {"X-Forwarded-For": client_address()}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    variables = probe.variables(cast.world)
    body: dict[str, Any] = {"variables": variables}
    if caller.startswith("partner") and probe.operation is not None:
        body["extensions"] = {
            "persistedQuery": {"version": 1, "sha256Hash": MANIFEST[probe.operation]}
        }
    else:
        body["query"] = probe.document
    response = await http.post(url, json=body, headers=headers)
    answer = response.json()
    return outcome(answer, probe), json.dumps(answer)
