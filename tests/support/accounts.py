"""Signing up and in through any GraphQL endpoint (the gateway, in e2e tests)."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from tests.support.graphql import GraphQLClient

# The one copy of the sign-up and sign-in documents every test uses.
SESSION_FIELDS = "user { id email name roles } accessToken refreshToken expiresIn"
USER_ERRORS = "userErrors { field message code }"
REGISTER = f"""
mutation Register($input: RegisterInput!) {{
  register(input: $input) {{ {SESSION_FIELDS} {USER_ERRORS} }}
}}
"""
LOGIN = f"""
mutation Login($input: LoginInput!) {{
  login(input: $input) {{ {SESSION_FIELDS} {USER_ERRORS} }}
}}
"""


def client_address() -> str:
    """A documentation-range address (RFC 5737) for one client of the tests."""
    value = secrets.randbelow(256**2)
    return f"198.51.{value // 256}.{value % 256}"


def _from_anywhere() -> dict[str, str]:
    # Each person signs up from a machine of their own: per-address limits
    # apply to each, not to the whole test run behind one gateway.
    return {"X-Forwarded-For": client_address()}


async def register(client: GraphQLClient, name: str = "Shopper") -> tuple[str, str]:
    """A new customer with a unique e-mail; returns (user id, access token)."""
    email = f"{name.lower()}-{uuid.uuid4().hex[:12]}@example.com"
    variables = {"input": {"email": email, "password": "a good password", "name": name}}
    payload = (await client.execute(REGISTER, variables, **_from_anywhere())).ok()["register"]
    assert payload["userErrors"] == [], payload
    return payload["user"]["id"], payload["accessToken"]


async def login(client: GraphQLClient, email: str, password: str) -> str:
    """Signs in (from an address of its own) and returns the access token."""
    payload = await login_payload(client, email, password, **_from_anywhere())
    assert payload["userErrors"] == [], payload
    return str(payload["accessToken"])


async def login_payload(
    client: GraphQLClient, email: str, password: str, **headers: str
) -> dict[str, Any]:
    """The whole `login` payload, whatever it says: tokens, user and userErrors."""
    variables = {"input": {"email": email, "password": password}}
    payload: dict[str, Any] = (await client.execute(LOGIN, variables, **headers)).ok()["login"]
    return payload
