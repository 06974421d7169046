"""Accounts security through the gateway: tokens that are not ours, the JWKS,
the login limit, and no secret in the stack's logs or in error messages."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.auth.keys import load_private_key, public_jwk
from tests.e2e.conftest import Stack
from tests.e2e.test_accounts import (
    CHANGE_PASSWORD,
    CREATE_CLIENT,
    ISSUE_TOKEN,
    ME,
    REFRESH,
    USERS,
    _codes,
    _email,
    _login,
)
from tests.support.accounts import LOGIN, REGISTER
from tests.support.graphql import GraphQLClient, GraphQLResponse

RETRY = re.compile(r"^Too many attempts\. Try again in \d+ seconds?\.$")


def _stack_key(stack: Stack) -> Ed25519PrivateKey:
    return load_private_key((stack.home / "keys" / "jwt-signing.pem").read_bytes())


async def test_bad_tokens_are_unauthenticated(gateway: GraphQLClient, stack: Stack) -> None:
    key = _stack_key(stack)
    kid = public_jwk(key)["kid"]
    now = datetime.now(UTC)
    valid = {
        "sub": str(uuid.uuid4()),
        "roles": ["CUSTOMER", "ADMIN"],
        "scope": "",
        "iss": "minishop-accounts",
        "aud": "minishop",
        "iat": now,
        "exp": now + timedelta(minutes=15),
        "jti": uuid.uuid4().hex,
    }

    def sign(claims: dict[str, Any], with_key: Ed25519PrivateKey = key) -> str:
        return jwt.encode(claims, with_key, algorithm="EdDSA", headers={"kid": kid})

    good = sign(valid)
    assert (await gateway.as_user(good).execute(ME)).ok() == {"me": None}  # no such user
    header, payload, signature = good.split(".")
    bad_tokens = {
        "expired": sign(
            {**valid, "iat": now - timedelta(hours=1), "exp": now - timedelta(minutes=5)}
        ),
        "wrong audience": sign({**valid, "aud": "another-shop"}),
        "wrong issuer": sign({**valid, "iss": "someone-else"}),
        "foreign key": sign(valid, Ed25519PrivateKey.generate()),
        "tampered": f"{header}.{payload}.{signature[:-4]}AAAA",
        "garbage": "not-a-token",
    }
    for name, token in bad_tokens.items():
        for query in (ME, USERS):
            result = await gateway.as_user(token).execute(query)
            assert result.error_codes == ["UNAUTHENTICATED"], (name, result.body)
            # The gateway nulls the field (data {"me": null}); nothing is served.
            assert not any((result.data or {}).values()), (name, result.body)


async def test_jwks_is_served_by_accounts_with_the_signing_key(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.get(f"{stack.service_urls['accounts']}/.well-known/jwks.json")
    assert response.status_code == 200
    keys = response.json()["keys"]
    assert public_jwk(_stack_key(stack))["kid"] in [key["kid"] for key in keys]
    assert all("d" not in key for key in keys)


async def test_login_is_rate_limited_per_email(gateway: GraphQLClient) -> None:
    email = _email("limited")
    # Longer than any password: counted, then refused without hashing.
    cheap = "x" * 129
    for _ in range(10):
        assert _codes(await _login(gateway, email, cheap)) == ["INVALID_CREDENTIALS"]
    refused = await _login(gateway, email, cheap)
    (error,) = refused["userErrors"]
    assert error["code"] == "RATE_LIMITED" and RETRY.match(error["message"]), error
    assert refused["accessToken"] is None


def _messages(response: GraphQLResponse) -> list[str]:
    found = [str(error.get("message", "")) for error in response.errors]
    for value in (response.data or {}).values():
        if isinstance(value, dict):
            found += [error["message"] for error in value.get("userErrors") or []]
    return found


async def test_no_secret_reaches_the_stack_logs_or_error_messages(
    gateway: GraphQLClient, stack: Stack
) -> None:
    password, new_password, wrong = (f"E2e-Secret-{uuid.uuid4().hex}" for _ in range(3))
    responses: list[GraphQLResponse] = []

    async def run(client: GraphQLClient, query: str, variables: dict[str, Any]) -> Any:
        response = await client.execute(query, variables)
        responses.append(response)
        return response.data

    email = _email("secrets")
    person = {"email": email, "password": password, "name": "Sec"}
    registered = (await run(gateway, REGISTER, {"input": person}))["register"]
    # Malformed (`name` missing): refused by the gateway before any subgraph
    # runs. Its logs are searched below; its message has a test of its own.
    malformed = {"email": _email("malformed"), "password": wrong}
    await gateway.execute(REGISTER, {"input": malformed})
    await run(gateway, LOGIN, {"input": {"email": email, "password": wrong}})
    signed_in = (await run(gateway, LOGIN, {"input": {"email": email, "password": password}}))[
        "login"
    ]
    refreshed = (await run(gateway, REFRESH, {"token": signed_in["refreshToken"]}))["refreshToken"]
    await run(gateway, REFRESH, {"token": signed_in["refreshToken"]})  # reuse
    me = gateway.as_user(registered["accessToken"])
    change = {"currentPassword": password, "newPassword": new_password}
    await run(me, CHANGE_PASSWORD, {"input": change})
    await run(me, CHANGE_PASSWORD, {"input": change})  # the current one is wrong now
    admin_login = {"email": stack.admin_email, "password": stack.admin_password}
    admin_token = (await run(gateway, LOGIN, {"input": admin_login}))["login"]["accessToken"]
    admin = gateway.as_user(admin_token)
    created = (
        await run(admin, CREATE_CLIENT, {"input": {"name": "Sec", "scopes": ["catalog:read"]}})
    )["createApiClient"]
    client_id, secret = created["apiClient"]["clientId"], created["clientSecret"]
    await run(gateway, ISSUE_TOKEN, {"clientId": client_id, "clientSecret": wrong})
    issued = (await run(gateway, ISSUE_TOKEN, {"clientId": client_id, "clientSecret": secret}))[
        "issueClientToken"
    ]
    await run(gateway.as_user(registered["accessToken"] + "x"), ME, {})

    secrets = {
        password,
        new_password,
        wrong,
        secret,
        registered["accessToken"],
        registered["refreshToken"],
        signed_in["accessToken"],
        signed_in["refreshToken"],
        refreshed["accessToken"],
        refreshed["refreshToken"],
        issued["accessToken"],
        stack.admin_password,
        admin_token,
    }
    assert all(secrets)
    log_dir = stack.home / "logs"
    accounts_log = log_dir / "accounts.log"
    # The reuse warning shows the accounts log has caught up with this test.
    for _ in range(50):
        if "rotated refresh token was presented again" in accounts_log.read_text(errors="replace"):
            break
        await asyncio.sleep(0.1)
    else:
        pytest.fail("the accounts log never showed the refresh-token reuse")
    logs = {path.name: path.read_text(errors="replace") for path in log_dir.glob("*.log")}
    assert {"accounts.log", "gateway.log"} <= logs.keys()
    leaks = [
        (name, value[:14] + "…")
        for name, text in logs.items()
        for value in secrets
        if value in text
    ]
    assert leaks == []
    for message in (m for response in responses for m in _messages(response)):
        assert not any(value in message for value in secrets), message


async def test_a_malformed_register_does_not_echo_the_password(gateway: GraphQLClient) -> None:
    password = f"E2e-Secret-{uuid.uuid4().hex}"
    result = await gateway.execute(
        REGISTER, {"input": {"email": _email("echo"), "password": password}}
    )
    assert result.errors and result.data is None
    assert not any(password in message for message in _messages(result))
