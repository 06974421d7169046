"""Partner API clients: created by admins with known scopes, the secret shown
once and stored hashed, client-credential tokens, revocation."""

from __future__ import annotations

import uuid

import jwt

from tests.subgraphs.accounts.conftest import Member, codes, rows
from tests.support.services import RunningService

CREATE = """
mutation Create($input: ApiClientInput!) {
  createApiClient(input: $input) {
    apiClient { id clientId name scopes createdAt revokedAt }
    clientSecret
    userErrors { field message code }
  }
}
"""
REVOKE = """
mutation Revoke($id: ID!) {
  revokeApiClient(id: $id) {
    apiClient { id revokedAt } clientSecret userErrors { field message code }
  }
}
"""
ISSUE = """
mutation Issue($clientId: String!, $clientSecret: String!) {
  issueClientToken(clientId: $clientId, clientSecret: $clientSecret) {
    accessToken expiresIn userErrors { field message code }
  }
}
"""
LIST = """
query Clients($first: Int, $after: String) {
  apiClients(first: $first, after: $after) {
    nodes { id name revokedAt } pageInfo { hasNextPage endCursor } totalCount
  }
}
"""
ME = "query Me { me { id } }"
USERS = "query Users { users { totalCount } }"


async def _create(
    accounts: RunningService,
    admin: Member,
    name: str = "Feeds Inc",
    scopes: list[str] | None = None,
) -> dict:
    variables = {"input": {"name": name, "scopes": ["catalog:read"] if scopes is None else scopes}}
    result = await accounts.graphql.as_user(admin.token).execute(CREATE, variables)
    return result.ok()["createApiClient"]


async def _issue(accounts: RunningService, client_id: str, secret: str) -> dict:
    variables = {"clientId": client_id, "clientSecret": secret}
    return (await accounts.graphql.execute(ISSUE, variables)).ok()["issueClientToken"]


async def test_create_shows_the_secret_once_and_stores_only_its_hash(
    accounts: RunningService, admin: Member
) -> None:
    created = await _create(
        accounts, admin, " Feeds Inc ", ["shipping:read", "catalog:read", "catalog:read"]
    )
    assert created["userErrors"] == []
    client = created["apiClient"]
    assert client["name"] == "Feeds Inc"
    assert client["scopes"] == ["catalog:read", "shipping:read"]
    assert client["clientId"].startswith("msc_") and client["revokedAt"] is None
    secret = created["clientSecret"]
    assert len(secret) >= 40
    (row,) = await rows(accounts, "SELECT * FROM api_clients")
    assert secret not in str(tuple(row)) and row.secret_hash != secret
    assert str(row.created_by) == admin.id
    listed = await accounts.graphql.as_user(admin.token).execute(LIST)
    assert "clientSecret" not in str(listed.body) and secret not in str(listed.body)


async def test_issue_client_token_gives_a_partner_token_with_the_scopes(
    accounts: RunningService, admin: Member
) -> None:
    created = await _create(accounts, admin, scopes=["catalog:read", "shipping:read"])
    client_id = created["apiClient"]["clientId"]
    issued = await _issue(accounts, client_id, created["clientSecret"])
    assert issued["userErrors"] == [] and issued["expiresIn"] == 900
    claims = jwt.decode(issued["accessToken"], options={"verify_signature": False})
    assert claims["sub"] == client_id
    assert claims["partner"] is True and claims["roles"] == []
    assert claims["scope"] == "catalog:read shipping:read"
    assert {"iss", "aud", "exp", "iat", "jti"} <= claims.keys()
    # A partner is no user: `me` is null, admin operations are closed to it.
    partner = accounts.graphql.as_user(issued["accessToken"])
    assert (await partner.execute(ME)).ok() == {"me": None}
    assert (await partner.execute(USERS)).error_codes == ["UNAUTHENTICATED"]


async def test_wrong_secret_unknown_client_and_revoked_client_answer_the_same(
    accounts: RunningService, admin: Member
) -> None:
    created = await _create(accounts, admin)
    client_id, secret = created["apiClient"]["clientId"], created["clientSecret"]
    wrong = await _issue(accounts, client_id, secret + "x")
    unknown = await _issue(accounts, "msc_unknown", secret)
    assert wrong == unknown
    assert codes(wrong) == ["INVALID_CREDENTIALS"] and wrong["accessToken"] is None
    revoked = await accounts.graphql.as_user(admin.token).execute(
        REVOKE, {"id": created["apiClient"]["id"]}
    )
    payload = revoked.ok()["revokeApiClient"]
    assert payload["userErrors"] == [] and payload["apiClient"]["revokedAt"] is not None
    assert payload["clientSecret"] is None
    assert await _issue(accounts, client_id, secret) == wrong


async def test_create_validates_name_and_scopes_and_writes_nothing(
    accounts: RunningService, admin: Member
) -> None:
    unknown = await _create(accounts, admin, "Partner", ["catalog:read", "orders:write"])
    assert codes(unknown) == ["INVALID_INPUT"] and unknown["clientSecret"] is None
    assert "orders:write" in unknown["userErrors"][0]["message"]
    assert "catalog:read" in unknown["userErrors"][0]["message"]  # the known ones are listed
    empty = await _create(accounts, admin, " ", [])
    assert sorted(error["field"][0] for error in empty["userErrors"]) == ["name", "scopes"]
    assert await rows(accounts, "SELECT id FROM api_clients") == []


async def test_revoke_codes_and_revoking_twice(accounts: RunningService, admin: Member) -> None:
    created = await _create(accounts, admin)
    client = accounts.graphql.as_user(admin.token)

    async def revoke(id: str) -> dict:
        return (await client.execute(REVOKE, {"id": id})).ok()["revokeApiClient"]

    assert codes(await revoke(str(uuid.uuid4()))) == ["NOT_FOUND"]
    assert codes(await revoke("nope")) == ["INVALID_INPUT"]
    first = await revoke(created["apiClient"]["id"])
    second = await revoke(created["apiClient"]["id"])
    assert first["apiClient"]["revokedAt"] == second["apiClient"]["revokedAt"] is not None


async def test_api_clients_list_pages_newest_first(accounts: RunningService, admin: Member) -> None:
    ids = [(await _create(accounts, admin, f"Client {n}"))["apiClient"]["id"] for n in range(3)]
    client = accounts.graphql.as_user(admin.token)
    page = (await client.execute(LIST, {"first": 2})).ok()["apiClients"]
    assert [node["id"] for node in page["nodes"]] == [ids[2], ids[1]]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"]
    rest = await client.execute(LIST, {"first": 2, "after": page["pageInfo"]["endCursor"]})
    assert [node["id"] for node in rest.ok()["apiClients"]["nodes"]] == [ids[0]]


async def test_client_admin_operations_are_forbidden_to_customers(
    accounts: RunningService, customer: Member, admin: Member
) -> None:
    created = await _create(accounts, admin)
    as_customer = accounts.graphql.as_user(customer.token)
    attempts = [
        (CREATE, {"input": {"name": "Mine", "scopes": ["catalog:read"]}}),
        (REVOKE, {"id": created["apiClient"]["id"]}),
        (LIST, {}),
    ]
    for query, variables in attempts:
        assert (await as_customer.execute(query, variables)).error_codes == ["FORBIDDEN"]
    (row,) = await rows(accounts, "SELECT revoked_at FROM api_clients")
    assert row.revoked_at is None
