"""Signing up and in through any GraphQL endpoint (the gateway, in e2e tests)."""

from __future__ import annotations

import uuid

from tests.support.graphql import GraphQLClient

REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) { user { id } accessToken userErrors { code message } }
}
"""
LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken userErrors { code message } }
}
"""


async def register(client: GraphQLClient, name: str = "Shopper") -> tuple[str, str]:
    """A new customer with a unique e-mail; returns (user id, access token)."""
    email = f"{name.lower()}-{uuid.uuid4().hex[:12]}@example.com"
    variables = {"input": {"email": email, "password": "a good password", "name": name}}
    payload = (await client.execute(REGISTER, variables)).ok()["register"]
    assert payload["userErrors"] == [], payload
    return payload["user"]["id"], payload["accessToken"]


async def login(client: GraphQLClient, email: str, password: str) -> str:
    variables = {"input": {"email": email, "password": password}}
    payload = (await client.execute(LOGIN, variables)).ok()["login"]
    assert payload["userErrors"] == [], payload
    return str(payload["accessToken"])
