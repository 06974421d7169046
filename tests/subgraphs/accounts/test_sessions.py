"""Sign-in sessions: access-token claims, refresh-token rotation, reuse detection
(also under concurrency), logout, expiry, and the Argon2id hash upgrade."""

from __future__ import annotations

import asyncio

import jwt
from argon2 import PasswordHasher

from shared.auth.keys import public_jwk
from subgraphs.accounts import passwords
from tests.subgraphs.accounts.conftest import PASSWORD, codes, create_user, execute, rows
from tests.support.accounts import login_payload
from tests.support.services import SIGNING_KEY, RunningService

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) {
    user { id email } accessToken refreshToken expiresIn userErrors { field message code }
  }
}
"""
REFRESH = """
mutation Refresh($token: String!) {
  refreshToken(refreshToken: $token) {
    user { id roles } accessToken refreshToken expiresIn userErrors { field message code }
  }
}
"""
LOGOUT = """
mutation Logout($token: String!) {
  logout(refreshToken: $token) { success userErrors { field message code } }
}
"""
ME = "query Me { me { id email } }"


async def _refresh(accounts: RunningService, token: str) -> dict:
    return (await accounts.graphql.execute(REFRESH, {"token": token})).ok()["refreshToken"]


async def test_access_token_carries_every_claim_and_the_jwks_key_id(
    accounts: RunningService,
) -> None:
    user = await create_user(accounts, roles=("CUSTOMER", "ADMIN"))
    signed_in = await login_payload(accounts.graphql, user.email.upper(), PASSWORD)
    token = signed_in["accessToken"]
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA"
    assert header["kid"] == public_jwk(SIGNING_KEY)["kid"]
    jwks = (await accounts.http.get("/.well-known/jwks.json")).json()
    assert header["kid"] in [key["kid"] for key in jwks["keys"]]
    claims = jwt.decode(
        token,
        SIGNING_KEY.public_key(),
        algorithms=["EdDSA"],
        audience="minishop",
        issuer="minishop-accounts",
    )
    assert claims["sub"] == user.id
    assert claims["roles"] == ["CUSTOMER", "ADMIN"]
    assert claims["scope"] == ""
    assert claims["exp"] - claims["iat"] == 15 * 60 == signed_in["expiresIn"]
    assert len(claims["jti"]) == 32 and "partner" not in claims
    assert claims["sid"]  # the refresh-token family of this sign-in
    signed_in_as = signed_in["user"]
    assert (signed_in_as["id"], signed_in_as["email"]) == (user.id, user.email)
    assert signed_in_as["roles"] == ["CUSTOMER", "ADMIN"]


async def test_refresh_rotates_and_the_old_token_then_fails(accounts: RunningService) -> None:
    user = await create_user(accounts)
    first = await login_payload(accounts.graphql, user.email, PASSWORD)
    second = await _refresh(accounts, first["refreshToken"])
    assert second["userErrors"] == []
    assert second["refreshToken"] != first["refreshToken"]
    assert second["user"]["id"] == user.id
    assert (
        jwt.decode(second["accessToken"], options={"verify_signature": False})["sid"]
        == (jwt.decode(first["accessToken"], options={"verify_signature": False})["sid"])
    )
    third = await _refresh(accounts, second["refreshToken"])
    assert third["userErrors"] == []
    stored = await rows(accounts, "SELECT token_hash FROM refresh_tokens")
    tokens = {first["refreshToken"], second["refreshToken"], third["refreshToken"]}
    assert len(stored) == 3 and not {row.token_hash for row in stored} & tokens


async def test_reusing_a_rotated_token_revokes_the_whole_family(accounts: RunningService) -> None:
    user = await create_user(accounts)
    stolen = (await login_payload(accounts.graphql, user.email, PASSWORD))["refreshToken"]
    other_device = (await login_payload(accounts.graphql, user.email, PASSWORD))["refreshToken"]
    rotated = await _refresh(accounts, stolen)
    # The thief (or the owner) presents the rotated token again.
    reuse = await _refresh(accounts, stolen)
    assert codes(reuse) == ["INVALID_TOKEN"] and reuse["accessToken"] is None
    # The newer token of that family is dead too; another sign-in is not touched.
    assert codes(await _refresh(accounts, rotated["refreshToken"])) == ["INVALID_TOKEN"]
    assert (await _refresh(accounts, other_device))["userErrors"] == []


async def test_two_simultaneous_refreshes_of_one_token_do_not_both_succeed(
    accounts: RunningService,
) -> None:
    user = await create_user(accounts)
    token = (await login_payload(accounts.graphql, user.email, PASSWORD))["refreshToken"]
    results = await asyncio.gather(*(_refresh(accounts, token) for _ in range(5)))
    winners = [result for result in results if not result["userErrors"]]
    assert len(winners) == 1
    assert all(codes(result) == ["INVALID_TOKEN"] for result in results if result not in winners)
    # The losers were reuses: the winner's new token went with its family.
    assert codes(await _refresh(accounts, winners[0]["refreshToken"])) == ["INVALID_TOKEN"]


async def test_refresh_with_unknown_or_expired_token_is_invalid_token(
    accounts: RunningService,
) -> None:
    user = await create_user(accounts)
    unknown = await _refresh(accounts, "not-a-token")
    assert codes(unknown) == ["INVALID_TOKEN"] and unknown["userErrors"][0]["field"] == [
        "refreshToken"
    ]
    token = (await login_payload(accounts.graphql, user.email, PASSWORD))["refreshToken"]
    await execute(accounts, "UPDATE refresh_tokens SET expires_at = now() - interval '1 second'")
    assert codes(await _refresh(accounts, token)) == ["INVALID_TOKEN"]


async def test_refresh_gives_roles_changed_since_sign_in(accounts: RunningService) -> None:
    user = await create_user(accounts)
    token = (await login_payload(accounts.graphql, user.email, PASSWORD))["refreshToken"]
    await execute(accounts, "UPDATE users SET roles = '{CUSTOMER,ADMIN}'")
    refreshed = await _refresh(accounts, token)
    assert refreshed["user"]["roles"] == ["CUSTOMER", "ADMIN"]
    claims = jwt.decode(refreshed["accessToken"], options={"verify_signature": False})
    assert claims["roles"] == ["CUSTOMER", "ADMIN"]


async def test_logout_ends_that_sign_in_only(accounts: RunningService) -> None:
    user = await create_user(accounts)
    this_device = (await login_payload(accounts.graphql, user.email, PASSWORD))["refreshToken"]
    other_device = (await login_payload(accounts.graphql, user.email, PASSWORD))["refreshToken"]
    result = (await accounts.graphql.execute(LOGOUT, {"token": this_device})).ok()["logout"]
    assert result == {"success": True, "userErrors": []}
    again = (await accounts.graphql.execute(LOGOUT, {"token": this_device})).ok()["logout"]
    assert again == {"success": True, "userErrors": []}
    assert codes(await _refresh(accounts, this_device)) == ["INVALID_TOKEN"]
    assert (await _refresh(accounts, other_device))["userErrors"] == []


async def test_logout_with_an_unknown_token_is_invalid_token(accounts: RunningService) -> None:
    result = (await accounts.graphql.execute(LOGOUT, {"token": "nope"})).ok()["logout"]
    assert result["success"] is False and codes(result) == ["INVALID_TOKEN"]


async def test_login_upgrades_a_hash_made_with_old_parameters(accounts: RunningService) -> None:
    user = await create_user(accounts)
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    assert passwords.needs_rehash(weak)
    await execute(accounts, "UPDATE users SET password_hash = :hash", hash=weak)
    assert (await login_payload(accounts.graphql, user.email, PASSWORD))["userErrors"] == []
    (stored,) = await rows(accounts, "SELECT password_hash FROM users")
    assert stored.password_hash != weak
    assert not passwords.needs_rehash(stored.password_hash)
    assert "m=65536,t=3,p=4" in stored.password_hash
    # And the password still signs in against the upgraded hash.
    assert (await login_payload(accounts.graphql, user.email, PASSWORD))["userErrors"] == []


async def test_refresh_token_is_not_an_access_token(accounts: RunningService) -> None:
    user = await create_user(accounts)
    signed_in = await login_payload(accounts.graphql, user.email, PASSWORD)
    as_bearer = await accounts.graphql.as_user(signed_in["refreshToken"]).execute(ME)
    assert as_bearer.error_codes == ["UNAUTHENTICATED"]
