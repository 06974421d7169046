"""Accounts through the gateway: every operation of the contract and its error
codes, token rotation and reuse detection, admin-only operations and partner
clients (bad tokens, limits and logs: test_accounts_security.py).

The stack is shared with other tests and every request reaches accounts from
the gateway's one address: this module signs in as the admin once and keeps
its registrations and logins few (both are rate-limited per address).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest

from tests.e2e.conftest import Stack
from tests.support.accounts import REGISTER, login, login_payload
from tests.support.graphql import GraphQLClient

AUTH = "user { id email name roles } accessToken refreshToken expiresIn"
ERRORS = "userErrors { field message code }"
REFRESH = f"""
mutation Refresh($token: String!) {{
  refreshToken(refreshToken: $token) {{ {AUTH} {ERRORS} }}
}}
"""
LOGOUT = f"""
mutation Logout($token: String!) {{ logout(refreshToken: $token) {{ success {ERRORS} }} }}
"""
ME = "query Me { me { id email name roles createdAt addresses { id city isDefault } } }"
UPDATE_PROFILE = f"""
mutation UpdateProfile($input: UpdateProfileInput!) {{
  updateProfile(input: $input) {{ user {{ id email name }} {ERRORS} }}
}}
"""
CHANGE_PASSWORD = f"""
mutation ChangePassword($input: ChangePasswordInput!) {{
  changePassword(input: $input) {{ user {{ id }} {ERRORS} }}
}}
"""
ADDRESS = "id fullName line1 line2 city region postalCode country phone isDefault"
ADD_ADDRESS = f"""
mutation AddAddress($input: AddressInput!) {{
  addAddress(input: $input) {{ address {{ {ADDRESS} }} {ERRORS} }}
}}
"""
UPDATE_ADDRESS = f"""
mutation UpdateAddress($id: ID!, $input: AddressInput!) {{
  updateAddress(id: $id, input: $input) {{ address {{ {ADDRESS} }} {ERRORS} }}
}}
"""
REMOVE_ADDRESS = f"""
mutation RemoveAddress($id: ID!) {{
  removeAddress(id: $id) {{ address {{ id isDefault }} {ERRORS} }}
}}
"""
USER = "query User($id: ID!) { user(id: $id) { id email name roles createdAt } }"
USERS = """
query Users($first: Int, $after: String, $search: String) {
  users(first: $first, after: $after, search: $search) {
    edges { cursor node { id email } } nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount
  }
}
"""
SET_ROLES = f"""
mutation SetUserRoles($userId: ID!, $roles: [Role!]!) {{
  setUserRoles(userId: $userId, roles: $roles) {{ user {{ id roles }} {ERRORS} }}
}}
"""
CREATE_CLIENT = f"""
mutation CreateApiClient($input: ApiClientInput!) {{
  createApiClient(input: $input) {{
    apiClient {{ id clientId name scopes createdAt revokedAt }} clientSecret {ERRORS}
  }}
}}
"""
REVOKE_CLIENT = f"""
mutation RevokeApiClient($id: ID!) {{
  revokeApiClient(id: $id) {{ apiClient {{ id revokedAt }} clientSecret {ERRORS} }}
}}
"""
ISSUE_TOKEN = f"""
mutation IssueClientToken($clientId: String!, $clientSecret: String!) {{
  issueClientToken(clientId: $clientId, clientSecret: $clientSecret) {{
    accessToken expiresIn {ERRORS}
  }}
}}
"""
API_CLIENTS = """
query ApiClients($first: Int) { apiClients(first: $first) { nodes { id name } totalCount } }
"""
PASSWORD = "e2e correct horse"


@pytest.fixture(scope="module")
async def admin(stack: Stack) -> AsyncIterator[GraphQLClient]:
    """The admin, signed in once for the module (sign-ins are rate-limited)."""
    async with httpx.AsyncClient(timeout=30) as http:
        client = GraphQLClient(http, path=stack.gateway_url)
        yield client.as_user(await login(client, stack.admin_email, stack.admin_password))


def _email(tag: str) -> str:
    return f"e2e-{tag}-{uuid.uuid4().hex[:10]}@example.com"


def _codes(payload: dict[str, Any]) -> list[str]:
    return [error["code"] for error in payload["userErrors"]]


def _claims(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


async def _data(client: GraphQLClient, query: str, variables: dict[str, Any] | None = None) -> Any:
    return (await client.execute(query, variables or {})).ok()


async def _register(gateway: GraphQLClient, tag: str, password: str = PASSWORD) -> dict[str, Any]:
    person = {"email": _email(tag), "password": password, "name": f"E2E {tag}"}
    payload = (await _data(gateway, REGISTER, {"input": person}))["register"]
    assert payload["userErrors"] == [], payload
    return {**payload, "email": person["email"]}


async def _login(gateway: GraphQLClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    return await login_payload(gateway, email, password)


def _address(**overrides: Any) -> dict[str, Any]:
    return {
        "fullName": "Grace Hopper",
        "line1": "1 Navy Yard",
        "city": "Arlington",
        "region": "VA",
        "postalCode": "22202",
        "country": "us",
        **overrides,
    }


async def test_register_login_and_me_with_their_codes(gateway: GraphQLClient) -> None:
    email = _email("reg")
    person = {"email": f"  {email.upper()} ", "password": PASSWORD, "name": " Reg "}
    registered = (await _data(gateway, REGISTER, {"input": person}))["register"]
    assert registered["userErrors"] == []
    assert registered["user"]["email"] == email and registered["user"]["name"] == "Reg"
    assert registered["user"]["roles"] == ["CUSTOMER"] and registered["expiresIn"] == 900
    me = await _data(gateway.as_user(registered["accessToken"]), ME)
    assert me["me"]["id"] == registered["user"]["id"] and me["me"]["addresses"] == []
    assert await _data(gateway, ME) == {"me": None}

    taken = (await _data(gateway, REGISTER, {"input": {**person, "email": email}}))["register"]
    assert _codes(taken) == ["EMAIL_TAKEN"] and taken["accessToken"] is None
    invalid = {"email": "nope", "password": "short", "name": ""}
    bad = (await _data(gateway, REGISTER, {"input": invalid}))["register"]
    assert sorted(e["field"][0] for e in bad["userErrors"]) == ["email", "name", "password"]
    assert set(_codes(bad)) == {"INVALID_INPUT"}

    wrong = await _login(gateway, email, "not the password")
    unknown = await _login(gateway, _email("ghost"), "not the password")
    assert wrong == unknown and _codes(wrong) == ["INVALID_CREDENTIALS"]
    right = await _login(gateway, email.upper())
    assert right["userErrors"] == [] and right["user"]["id"] == registered["user"]["id"]


async def test_refresh_rotates_reuse_revokes_the_family_and_logout_ends_a_sign_in(
    gateway: GraphQLClient,
) -> None:
    user = await _register(gateway, "refresh")
    first = user["refreshToken"]
    rotated = (await _data(gateway, REFRESH, {"token": first}))["refreshToken"]
    assert rotated["userErrors"] == [] and rotated["refreshToken"] != first
    assert rotated["user"]["id"] == user["user"]["id"]
    reuse = (await _data(gateway, REFRESH, {"token": first}))["refreshToken"]
    assert _codes(reuse) == ["INVALID_TOKEN"] and reuse["accessToken"] is None
    # The token the rotation gave out went down with its family.
    after = (await _data(gateway, REFRESH, {"token": rotated["refreshToken"]}))["refreshToken"]
    assert _codes(after) == ["INVALID_TOKEN"]

    session = await _login(gateway, user["email"])
    logged_out = (await _data(gateway, LOGOUT, {"token": session["refreshToken"]}))["logout"]
    assert logged_out == {"success": True, "userErrors": []}
    ended = (await _data(gateway, REFRESH, {"token": session["refreshToken"]}))["refreshToken"]
    assert _codes(ended) == ["INVALID_TOKEN"]
    unknown = (await _data(gateway, LOGOUT, {"token": "never-issued"}))["logout"]
    assert unknown["success"] is False and _codes(unknown) == ["INVALID_TOKEN"]


async def test_simultaneous_refreshes_of_one_token_do_not_both_succeed(
    gateway: GraphQLClient,
) -> None:
    user = await _register(gateway, "race")
    results = await asyncio.gather(
        *(_data(gateway, REFRESH, {"token": user["refreshToken"]}) for _ in range(4))
    )
    winners = [r["refreshToken"] for r in results if not r["refreshToken"]["userErrors"]]
    assert len(winners) == 1


async def test_profile_and_password_changes(gateway: GraphQLClient, stack: Stack) -> None:
    user = await _register(gateway, "profile")
    other_session = await _login(gateway, user["email"])
    me = gateway.as_user(user["accessToken"])

    async def update(**input: Any) -> dict[str, Any]:
        return dict((await _data(me, UPDATE_PROFILE, {"input": input}))["updateProfile"])

    renamed = await update(name="Renamed")
    assert renamed["userErrors"] == [] and renamed["user"]["name"] == "Renamed"
    assert _codes(await update(name=" ")) == ["INVALID_INPUT"]
    new_email = _email("moved")
    assert _codes(await update(email=new_email)) == ["INVALID_INPUT"]
    assert _codes(await update(email=new_email, currentPassword="wrong one")) == [
        "INVALID_CREDENTIALS"
    ]
    assert _codes(await update(email=stack.admin_email, currentPassword=PASSWORD)) == [
        "EMAIL_TAKEN"
    ]
    moved = await update(email=new_email, currentPassword=PASSWORD)
    assert moved["user"]["email"] == new_email

    async def change(current: str, new: str) -> dict[str, Any]:
        variables = {"input": {"currentPassword": current, "newPassword": new}}
        return dict((await _data(me, CHANGE_PASSWORD, variables))["changePassword"])

    assert _codes(await change(PASSWORD, "short")) == ["INVALID_INPUT"]
    assert _codes(await change("wrong one", "a new passphrase")) == ["INVALID_CREDENTIALS"]
    changed = await change(PASSWORD, "a new passphrase")
    assert changed == {"user": {"id": user["user"]["id"]}, "userErrors": []}
    # The other sign-in is over; the one that changed the password goes on.
    other = await _data(gateway, REFRESH, {"token": other_session["refreshToken"]})
    assert _codes(other["refreshToken"]) == ["INVALID_TOKEN"]
    kept = (await _data(gateway, REFRESH, {"token": user["refreshToken"]}))["refreshToken"]
    assert kept["userErrors"] == []
    assert (await _login(gateway, new_email, "a new passphrase"))["userErrors"] == []


async def test_address_book(gateway: GraphQLClient) -> None:
    user = await _register(gateway, "addresses")
    me = gateway.as_user(user["accessToken"])

    async def add(**overrides: Any) -> dict[str, Any]:
        return dict((await _data(me, ADD_ADDRESS, {"input": _address(**overrides)}))["addAddress"])

    home = await add()
    assert home["userErrors"] == [] and home["address"]["isDefault"] is True
    assert home["address"]["country"] == "US"
    work = await add(city="Boston", region="MA", isDefault=True, line2="Floor 3")
    assert work["address"]["isDefault"] is True
    mine = (await _data(me, ME))["me"]["addresses"]
    assert [(a["city"], a["isDefault"]) for a in mine] == [("Arlington", False), ("Boston", True)]

    updated = await _data(
        me, UPDATE_ADDRESS, {"id": home["address"]["id"], "input": _address(city="Alexandria")}
    )
    assert updated["updateAddress"]["address"]["city"] == "Alexandria"
    missing = await _data(me, UPDATE_ADDRESS, {"id": str(uuid.uuid4()), "input": _address()})
    assert _codes(missing["updateAddress"]) == ["NOT_FOUND"]
    invalid = await add(country="USA", postalCode=" ")
    assert sorted(e["field"][0] for e in invalid["userErrors"]) == ["country", "postalCode"]

    removed = await _data(me, REMOVE_ADDRESS, {"id": work["address"]["id"]})
    assert removed["removeAddress"]["address"] == {"id": work["address"]["id"], "isDefault": True}
    mine = (await _data(me, ME))["me"]["addresses"]
    assert [(a["city"], a["isDefault"]) for a in mine] == [("Alexandria", True)]
    gone = await _data(me, REMOVE_ADDRESS, {"id": work["address"]["id"]})
    assert _codes(gone["removeAddress"]) == ["NOT_FOUND"]

    for _ in range(19):
        assert (await add())["userErrors"] == []
    assert _codes(await add()) == ["TOO_MANY_ADDRESSES"]
    anonymous = await gateway.execute(ADD_ADDRESS, {"input": _address()})
    assert anonymous.error_codes == ["UNAUTHENTICATED"]


async def test_admin_user_operations(gateway: GraphQLClient, admin: GraphQLClient) -> None:
    customer = await _register(gateway, "managed")
    customer_id = customer["user"]["id"]
    found = (await _data(admin, USER, {"id": customer_id}))["user"]
    assert found["email"] == customer["email"]
    assert (await _data(admin, USER, {"id": str(uuid.uuid4())}))["user"] is None
    page = (await _data(admin, USERS, {"search": customer["email"].upper(), "first": 5}))["users"]
    assert [node["id"] for node in page["nodes"]] == [customer_id] and page["totalCount"] == 1
    first = (await _data(admin, USERS, {"first": 1}))["users"]
    assert first["pageInfo"]["hasNextPage"] and first["totalCount"] >= 2
    after = first["pageInfo"]["endCursor"]
    second = (await _data(admin, USERS, {"first": 1, "after": after}))["users"]
    assert second["nodes"][0]["id"] != first["nodes"][0]["id"]
    too_many = await admin.execute(USERS, {"first": 101})
    assert too_many.error_codes == ["BAD_USER_INPUT"]

    async def set_roles(user_id: str, roles: list[str]) -> dict[str, Any]:
        variables = {"userId": user_id, "roles": roles}
        return dict((await _data(admin, SET_ROLES, variables))["setUserRoles"])

    promoted = await set_roles(customer_id, ["CUSTOMER", "ADMIN"])
    assert promoted["user"]["roles"] == ["CUSTOMER", "ADMIN"]
    # The new role reaches the customer's tokens at the next refresh.
    refreshed = await _data(gateway, REFRESH, {"token": customer["refreshToken"]})
    assert _claims(refreshed["refreshToken"]["accessToken"])["roles"] == ["CUSTOMER", "ADMIN"]
    assert (await set_roles(customer_id, ["CUSTOMER"]))["user"]["roles"] == ["CUSTOMER"]
    assert _codes(await set_roles(customer_id, [])) == ["INVALID_INPUT"]
    assert _codes(await set_roles(str(uuid.uuid4()), ["CUSTOMER"])) == ["NOT_FOUND"]
    admin_id = (await _data(admin, ME))["me"]["id"]
    assert _codes(await set_roles(admin_id, ["CUSTOMER"])) == ["CANNOT_REMOVE_OWN_ADMIN"]
    assert (await _data(admin, USER, {"id": admin_id}))["user"]["roles"] == ["CUSTOMER", "ADMIN"]


async def test_customers_are_forbidden_admin_operations(gateway: GraphQLClient) -> None:
    customer = gateway.as_user((await _register(gateway, "nosy"))["accessToken"])
    operations: list[tuple[str, dict[str, Any]]] = [
        (USER, {"id": str(uuid.uuid4())}),
        (USERS, {}),
        (SET_ROLES, {"userId": str(uuid.uuid4()), "roles": ["ADMIN"]}),
        (CREATE_CLIENT, {"input": {"name": "Mine", "scopes": ["catalog:read"]}}),
        (REVOKE_CLIENT, {"id": str(uuid.uuid4())}),
        (API_CLIENTS, {}),
    ]
    for query, variables in operations:
        assert (await customer.execute(query, variables)).error_codes == ["FORBIDDEN"], query
        assert (await gateway.execute(query, variables)).error_codes == ["UNAUTHENTICATED"], query


async def test_partner_api_clients(gateway: GraphQLClient, admin: GraphQLClient) -> None:
    input = {"name": "E2E Feeds", "scopes": ["shipping:read", "catalog:read"]}
    created = (await _data(admin, CREATE_CLIENT, {"input": input}))["createApiClient"]
    assert created["userErrors"] == []
    client, secret = created["apiClient"], created["clientSecret"]
    assert client["scopes"] == ["catalog:read", "shipping:read"] and secret

    async def issue(client_id: str, client_secret: str) -> dict[str, Any]:
        variables = {"clientId": client_id, "clientSecret": client_secret}
        return dict((await _data(gateway, ISSUE_TOKEN, variables))["issueClientToken"])

    issued = await issue(client["clientId"], secret)
    assert issued["userErrors"] == [] and issued["expiresIn"] == 900
    claims = _claims(issued["accessToken"])
    assert claims["sub"] == client["clientId"] and claims["partner"] is True
    assert claims["roles"] == [] and claims["scope"] == "catalog:read shipping:read"
    # A partner runs registered operations only: an ad-hoc document is refused.
    ad_hoc = await gateway.as_user(issued["accessToken"]).unregistered().execute(ME)
    assert ad_hoc.status == 400
    assert ad_hoc.error_codes == ["PERSISTED_QUERY_NOT_IN_LIST"]
    assert _codes(await issue(client["clientId"], secret + "x")) == ["INVALID_CREDENTIALS"]

    listed = (await _data(admin, API_CLIENTS, {"first": 100}))["apiClients"]
    assert client["id"] in [node["id"] for node in listed["nodes"]]
    bad = await _data(admin, CREATE_CLIENT, {"input": {"name": "X", "scopes": ["root"]}})
    assert _codes(bad["createApiClient"]) == ["INVALID_INPUT"]

    revoked = (await _data(admin, REVOKE_CLIENT, {"id": client["id"]}))["revokeApiClient"]
    assert revoked["apiClient"]["revokedAt"] is not None and revoked["clientSecret"] is None
    assert _codes(await issue(client["clientId"], secret)) == ["INVALID_CREDENTIALS"]
    missing = (await _data(admin, REVOKE_CLIENT, {"id": str(uuid.uuid4())}))["revokeApiClient"]
    assert _codes(missing) == ["NOT_FOUND"]
