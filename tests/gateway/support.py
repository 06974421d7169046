"""What the gateway tests share: a toy persisted-query manifest and request helpers."""

from __future__ import annotations

import base64
import itertools
import json
from pathlib import Path
from typing import Any

import httpx

from shared.operations import load_operations, manifest_text
from tests.gateway.conftest import Gateway

SEEN = "authorization requestId forwardedFor clientAddress operation"
TOY_OPERATIONS = {
    "catalog.graphql": "query ToyCatalog { products { id name reviews } }",
    "headers.graphql": (
        f"query ToyHeaders {{ productsHeaders {{ {SEEN} }} "
        f"products {{ id reviewsHeaders {{ {SEEN} }} }} }}"
    ),
}
_addresses = itertools.count(1)


def write_toy_manifest(folder: Path) -> tuple[Path, dict[str, str]]:
    """The toy operations' manifest, and each operation's id by name."""
    operations_dir = folder / "operations"
    operations_dir.mkdir(parents=True)
    for name, text in TOY_OPERATIONS.items():
        (operations_dir / name).write_text(text + "\n", encoding="utf-8")
    operations = load_operations(operations_dir)
    path = folder / "persisted-query-manifest.json"
    path.write_text(manifest_text(operations), encoding="utf-8")
    return path, {operation.name: operation.id for operation in operations}


def manifest_body(path: Path, name: str) -> str:
    entries = json.loads(path.read_text())["operations"]
    return next(entry["body"] for entry in entries if entry["name"] == name)


def partner_token() -> str:
    """A token shaped like the one issueClientToken makes (the toy subgraphs do not verify)."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    claims = {"sub": "client-1", "partner": True, "scope": "catalog:read"}
    return f"{part({'alg': 'EdDSA', 'kid': 'k'})}.{part(claims)}.c2ln"


def fresh_address() -> str:
    """A client address no other test used: its own rate-limit bucket."""
    n = next(_addresses)
    return f"203.0.{n // 250}.{n % 250 + 1}"


def post(
    gateway: Gateway,
    body: Any,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return httpx.post(gateway.graphql_url, json=body, headers=headers or {}, timeout=10)


def by_hash(operation_id: str) -> dict[str, Any]:
    return {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": operation_id}}}


def codes(response: httpx.Response) -> list[str]:
    return [error["extensions"]["code"] for error in response.json().get("errors", [])]
