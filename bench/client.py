"""What the gateway benchmarks share: a GraphQL client, the machine line, sign-up."""

from __future__ import annotations

import os
import platform
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

LOGIN = "mutation($input: LoginInput!) { login(input: $input) { accessToken userErrors { code } } }"
REGISTER = """mutation($input: RegisterInput!) {
  register(input: $input) { accessToken userErrors { code } } }"""
ADD = """mutation($productId: ID!, $quantity: Int!) {
  addToCart(productId: $productId, quantity: $quantity) { userErrors { code } } }"""


class GraphQLFailure(RuntimeError):
    """A non-200 answer or one with `errors`."""


class Gateway:
    def __init__(self, http: httpx.AsyncClient, url: str) -> None:
        self.http, self.url = http, url

    async def call(self, query: str, variables: dict[str, Any], token: str = "") -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            self.url, json={"query": query, "variables": variables}, headers=headers
        )
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise GraphQLFailure(f"{response.status_code}: {body.get('errors')}")
        return body["data"]

    async def login(self, email: str, password: str) -> str:
        data = await self.call(LOGIN, {"input": {"email": email, "password": password}})
        token: str = data["login"]["accessToken"]
        return token

    async def sign_up(self, label: str) -> str:
        """A new shopper's access token (a unique e-mail each time)."""
        data = await self.call(
            REGISTER,
            {
                "input": {
                    "email": f"{label}-{uuid.uuid4().hex[:10]}@example.com",
                    "password": "bench password",
                    "name": f"Shopper {label}",
                }
            },
        )
        token: str = data["register"]["accessToken"]
        return token


def machine() -> str:
    load = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {_cpu_name()}, Python "
        f"{platform.python_version()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"load average {load}"
    )


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "cpu"
