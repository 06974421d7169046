"""NUL bytes and control characters in the accounts' arguments: a look-up answers as
for anything unknown, an input is INVALID_INPUT; never a server error."""

from __future__ import annotations

import pytest

from tests.subgraphs.accounts.conftest import Member, codes, rows
from tests.support.services import RunningService

ISSUE = """
mutation Issue($clientId: String!, $clientSecret: String!) {
  issueClientToken(clientId: $clientId, clientSecret: $clientSecret) {
    accessToken userErrors { field message code }
  }
}
"""
CREATE_CLIENT = """
mutation Create($input: ApiClientInput!) {
  createApiClient(input: $input) { apiClient { id } userErrors { field code } }
}
"""
UPDATE_PROFILE = """
mutation Update($input: UpdateProfileInput!) {
  updateProfile(input: $input) { user { name } userErrors { field code } }
}
"""
LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken userErrors { field code } }
}
"""
USERS = "query Users($search: String) { users(search: $search) { totalCount } }"
BAD = ["client\x00", "\x00", "cl\x07ient"]


@pytest.mark.parametrize("text", BAD)
async def test_a_client_id_with_control_characters_is_invalid_credentials(
    accounts: RunningService, text: str
) -> None:
    result = await accounts.graphql.execute(ISSUE, {"clientId": text, "clientSecret": "s"})
    payload = result.ok()["issueClientToken"]
    assert codes(payload) == ["INVALID_CREDENTIALS"] and payload["accessToken"] is None


async def test_login_with_a_nul_byte_in_the_email_is_invalid_credentials(
    accounts: RunningService, customer: Member
) -> None:
    result = await accounts.graphql.execute(
        LOGIN, {"input": {"email": customer.email + "\x00", "password": "x" * 10}}
    )
    assert codes(result.ok()["login"]) == ["INVALID_CREDENTIALS"]


async def test_inputs_with_nul_bytes_are_invalid_and_write_nothing(
    accounts: RunningService, admin: Member
) -> None:
    client = accounts.graphql.as_user(admin.token)
    created = await client.execute(
        CREATE_CLIENT, {"input": {"name": "Feeds\x00", "scopes": ["catalog:read"]}}
    )
    assert created.ok()["createApiClient"]["userErrors"] == [
        {"field": ["name"], "code": "INVALID_INPUT"}
    ]
    renamed = await client.execute(UPDATE_PROFILE, {"input": {"name": "Ada\x00"}})
    assert renamed.ok()["updateProfile"]["userErrors"] == [
        {"field": ["name"], "code": "INVALID_INPUT"}
    ]
    assert await rows(accounts, "SELECT id FROM api_clients") == []
    (row,) = await rows(accounts, "SELECT name FROM users WHERE id = :id", id=admin.id)
    assert row.name == "Ada Admin"


async def test_a_user_search_with_a_nul_byte_finds_nobody(
    accounts: RunningService, admin: Member
) -> None:
    result = await accounts.graphql.as_user(admin.token).execute(USERS, {"search": "Ada\x00"})
    assert result.ok()["users"]["totalCount"] == 0
