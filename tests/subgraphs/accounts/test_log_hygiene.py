"""No password, hash, token or secret in any log line or error message.

Every operation that carries one runs against a service logging at DEBUG,
failing ones included (a malformed `register`, whose variables graphql-core
quotes in full in its message); the lines its own log handler writes are then searched
for every secret the run saw, and for the hashes stored in the database.
"""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.subgraphs.accounts.conftest import create_user, rows, start_accounts
from tests.support.accounts import LOGIN, REGISTER
from tests.support.databases import DatabaseFactory
from tests.support.graphql import GraphQLResponse
from tests.support.services import RunningService

REFRESH = """
mutation Refresh($token: String!) {
  refreshToken(refreshToken: $token) { accessToken refreshToken userErrors { message code } }
}
"""
LOGOUT = """
mutation Logout($token: String!) { logout(refreshToken: $token) { success } }
"""
CHANGE_PASSWORD = """
mutation Change($input: ChangePasswordInput!) {
  changePassword(input: $input) { user { id } userErrors { message code } }
}
"""
UPDATE_PROFILE = """
mutation Update($input: UpdateProfileInput!) {
  updateProfile(input: $input) { user { id } userErrors { message code } }
}
"""
CREATE_CLIENT = """
mutation Create($input: ApiClientInput!) {
  createApiClient(input: $input) { apiClient { clientId } clientSecret userErrors { code } }
}
"""
ISSUE = """
mutation Issue($id: String!, $secret: String!) {
  issueClientToken(clientId: $id, clientSecret: $secret) { accessToken userErrors { message } }
}
"""
ME = "query Me { me { id } }"

PASSWORD = "Sesame-Password-0001"
NEW_PASSWORD = "Sesame-Password-0002"
WRONG_PASSWORD = "Sesame-Password-0003"
MALFORMED_PASSWORD = "Sesame-Password-0004"


@pytest.fixture
async def logged(
    databases: DatabaseFactory, redis_url: str
) -> AsyncIterator[tuple[RunningService, io.StringIO]]:
    """The service at DEBUG, its own log handler writing into a buffer."""
    async for running in start_accounts(databases, redis_url, env={"MINISHOP_LOG_LEVEL": "DEBUG"}):
        (handler,) = logging.getLogger().handlers
        assert isinstance(handler, logging.StreamHandler)
        buffer = io.StringIO()
        previous = handler.setStream(buffer)
        try:
            yield running, buffer
        finally:
            handler.setStream(previous)


def _messages(response: GraphQLResponse) -> list[str]:
    """Every message a client would read: GraphQL errors and userErrors."""
    found = [error.get("message", "") for error in response.errors]

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "userErrors":
                    found.extend(error["message"] for error in item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(response.data)
    return found


async def test_secrets_never_reach_the_logs_or_error_messages(
    logged: tuple[RunningService, io.StringIO],
) -> None:
    accounts, log = logged
    gql = accounts.graphql
    responses: list[GraphQLResponse] = []

    async def run(query: str, variables: dict[str, Any], token: str | None = None) -> Any:
        response = await gql.as_user(token).execute(query, variables)
        responses.append(response)
        return response.data

    person = {"email": "log@example.com", "password": PASSWORD, "name": "Lo"}
    registered = (await run(REGISTER, {"input": person}))["register"]
    # Malformed: `name` missing, so the variables cannot be coerced at all.
    await run(REGISTER, {"input": {"email": "m@example.com", "password": MALFORMED_PASSWORD}})
    # The caller's mistake: answered as such, and not logged as a server error.
    assert responses[-1].error_codes == ["BAD_USER_INPUT"]
    await run(LOGIN, {"input": {"email": "log@example.com", "password": WRONG_PASSWORD}})
    signed_in = (await run(LOGIN, {"input": {"email": "log@example.com", "password": PASSWORD}}))[
        "login"
    ]
    refreshed = (await run(REFRESH, {"token": signed_in["refreshToken"]}))["refreshToken"]
    await run(REFRESH, {"token": signed_in["refreshToken"]})  # reuse: family revoked, logged
    change = {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}
    await run(CHANGE_PASSWORD, {"input": change}, registered["accessToken"])
    await run(CHANGE_PASSWORD, {"input": change}, registered["accessToken"])  # now wrong
    profile = {"email": "log2@example.com", "currentPassword": WRONG_PASSWORD}
    await run(UPDATE_PROFILE, {"input": profile}, registered["accessToken"])
    await run(LOGOUT, {"token": registered["refreshToken"]})
    admin = await create_user(accounts, roles=("CUSTOMER", "ADMIN"))
    created = (
        await run(CREATE_CLIENT, {"input": {"name": "P", "scopes": ["catalog:read"]}}, admin.token)
    )["createApiClient"]
    client_id, secret = created["apiClient"]["clientId"], created["clientSecret"]
    await run(ISSUE, {"id": client_id, "secret": secret + "-wrong"})
    issued = (await run(ISSUE, {"id": client_id, "secret": secret}))["issueClientToken"]
    tampered = registered["accessToken"][:-6] + "AAAAAA"
    await run(ME, {}, tampered)

    stored = await rows(accounts, "SELECT password_hash AS h FROM users")
    stored += await rows(accounts, "SELECT token_hash AS h FROM refresh_tokens")
    stored += await rows(accounts, "SELECT secret_hash AS h FROM api_clients")
    secrets = {
        PASSWORD,
        NEW_PASSWORD,
        WRONG_PASSWORD,
        MALFORMED_PASSWORD,
        registered["accessToken"],
        registered["refreshToken"],
        signed_in["accessToken"],
        signed_in["refreshToken"],
        refreshed["accessToken"],
        refreshed["refreshToken"],
        secret,
        issued["accessToken"],
        tampered,
        admin.token,
        *(row.h for row in stored),
    }
    assert all(secrets) and len(stored) >= 6
    text = log.getvalue()
    # The capture works: the reuse warning is in it.
    assert "rotated refresh token was presented again" in text
    leaked = sorted(value[:12] + "…" for value in secrets if value in text)
    assert leaked == [], leaked
    for message in (m for response in responses for m in _messages(response)):
        assert not any(value in message for value in secrets), message
