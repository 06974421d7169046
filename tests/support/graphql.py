"""A small GraphQL client for tests, over any httpx client (ASGI or network)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx


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

    def as_user(self, token: str | None) -> GraphQLClient:
        return GraphQLClient(self.http, self.path, token, dict(self.headers))

    async def execute(
        self, query: str, variables: dict[str, Any] | None = None, **headers: str
    ) -> GraphQLResponse:
        request_headers = {**self.headers, **headers}
        if self.token:
            request_headers["Authorization"] = f"Bearer {self.token}"
        response = await self.http.post(
            self.path, json={"query": query, "variables": variables or {}}, headers=request_headers
        )
        try:
            body = response.json()
        except ValueError:
            body = {"raw": response.text}
        return GraphQLResponse(response.status_code, body, response.headers)
