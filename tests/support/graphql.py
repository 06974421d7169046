"""A small GraphQL client for tests, over any httpx client (ASGI or network)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt

from shared import net


@dataclass
class GraphQLResponse:
    status: int
    body: dict[str, Any]
    headers: httpx.Headers

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return list(self.body.get("errors") or [])

    @property
    def error_codes(self) -> list[str]:
        return [(e.get("extensions") or {}).get("code", "") for e in self.errors]

    def ok(self) -> Any:
        """The data, after asserting there were no errors."""
        assert self.status == 200, (self.status, self.body)
        assert not self.errors, self.errors
        return self.data


@dataclass
class GraphQLClient:
    http: httpx.AsyncClient
    path: str = "/graphql"
    token: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # Sign each document as the gateway signs a manifest operation (for a
    # partner token calling a subgraph directly).
    registered: bool = False

    def as_user(self, token: str | None) -> GraphQLClient:
        """Calls with `token`; a partner's token runs registered operations, as the gateway
        forwards them (`unregistered()` drops that, to test the subgraph's own wall)."""
        return GraphQLClient(
            self.http, self.path, token, dict(self.headers), registered=_is_partner(token)
        )

    def unregistered(self) -> GraphQLClient:
        return GraphQLClient(self.http, self.path, self.token, dict(self.headers))

    async def execute(
        self, query: str, variables: dict[str, Any] | None = None, **headers: str
    ) -> GraphQLResponse:
        request_headers = {**self.headers, **headers}
        if self.token:
            request_headers["Authorization"] = f"Bearer {self.token}"
        if self.registered:
            operation_id = hashlib.sha256(query.encode()).hexdigest()
            request_headers[net.OPERATION_HEADER] = net.sign_operation(
                net.request_key(), operation_id, query
            )
        response = await self.http.post(
            self.path, json={"query": query, "variables": variables or {}}, headers=request_headers
        )
        try:
            body = response.json()
        except ValueError:
            body = {"raw": response.text}
        return GraphQLResponse(response.status_code, body, response.headers)


def _is_partner(token: str | None) -> bool:
    if not token:
        return False
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return False
    return claims.get("partner") is True
