"""Rate limits on login and register, per e-mail and per client address; the
answer tells when to retry and nothing about whether the e-mail exists; an
unknown e-mail costs a login as much as a wrong password."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from argon2 import PasswordHasher

from shared.net import CLIENT_ADDRESS_HEADER, request_key, sign_client_address
from tests.subgraphs.accounts.conftest import PASSWORD, codes, create_user, start_accounts
from tests.support.accounts import REGISTER, login_payload
from tests.support.databases import DatabaseFactory
from tests.support.services import RunningService

LIMITS = {
    "ACCOUNTS_LOGIN_LIMIT_PER_EMAIL": "3",
    "ACCOUNTS_LOGIN_LIMIT_PER_ADDRESS": "5",
    "ACCOUNTS_REGISTER_LIMIT_PER_EMAIL": "2",
    "ACCOUNTS_REGISTER_LIMIT_PER_ADDRESS": "4",
}
# Longer than any password can be: refused without an Argon2id run, yet counted.
CHEAP_WRONG_PASSWORD = "x" * 129
RETRY = re.compile(r"^Too many attempts\. Try again in (\d+) seconds?\.$")


def _from(address: str) -> dict[str, str]:
    """The client address as the gateway vouches for it (a signed header)."""
    return {CLIENT_ADDRESS_HEADER: sign_client_address(request_key(), address)}


@pytest.fixture
async def limited(databases: DatabaseFactory, redis_url: str) -> AsyncIterator[RunningService]:
    async for running in start_accounts(databases, redis_url, env=LIMITS):
        yield running


@pytest.fixture
async def unlimited(databases: DatabaseFactory, redis_url: str) -> AsyncIterator[RunningService]:
    env = {**LIMITS, "MINISHOP_RATE_LIMITS": "off"}
    async for running in start_accounts(databases, redis_url, env=env):
        yield running


async def _login(
    service: RunningService, email: str, password: str, address: str = "10.0.0.1"
) -> dict[str, Any]:
    return await login_payload(service.graphql, email, password, **_from(address))


async def _register(
    service: RunningService, email: str, address: str = "10.0.0.1"
) -> dict[str, Any]:
    # Too short a password: the attempt is counted, then refused before any hashing.
    variables = {"input": {"email": email, "password": "short", "name": "Rae"}}
    result = await service.graphql.execute(REGISTER, variables, **_from(address))
    return result.ok()["register"]


def _retry_seconds(payload: dict[str, Any]) -> int:
    (error,) = payload["userErrors"]
    assert error["code"] == "RATE_LIMITED" and error["field"] is None
    match = RETRY.match(error["message"])
    assert match, error["message"]
    return int(match.group(1))


async def test_login_per_email_limit_is_the_same_for_known_and_unknown_emails(
    limited: RunningService,
) -> None:
    user = await create_user(limited)
    for n, email in enumerate((user.email, "nobody@example.com")):
        attempts = [
            await _login(limited, email, CHEAP_WRONG_PASSWORD, f"10.0.{n}.1") for _ in range(3)
        ]
        assert [codes(a) for a in attempts] == [["INVALID_CREDENTIALS"]] * 3
        # Even the right password is refused now, from anywhere, with the time to wait.
        refused = await _login(limited, email, PASSWORD, address=f"10.0.{n}.2")
        assert refused["accessToken"] is None
        assert 890 <= _retry_seconds(refused) <= 900


async def test_right_passwords_do_not_use_up_the_accounts_budget(
    limited: RunningService,
) -> None:
    user = await create_user(limited)
    # Three sign-ins from three places, then two wrong guesses: still one left.
    for n in range(3):
        assert (await _login(limited, user.email, PASSWORD, f"10.1.0.{n}"))["accessToken"]
    for n in range(2):
        assert codes(await _login(limited, user.email, CHEAP_WRONG_PASSWORD, f"10.1.1.{n}")) == [
            "INVALID_CREDENTIALS"
        ]
    assert codes(await _login(limited, user.email, CHEAP_WRONG_PASSWORD, "10.1.2.0")) == [
        "INVALID_CREDENTIALS"
    ]
    assert codes(await _login(limited, user.email, PASSWORD, "10.1.2.1")) == ["RATE_LIMITED"]


async def test_a_refused_login_does_not_check_the_password(
    limited: RunningService, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await create_user(limited)
    for _ in range(3):
        await _login(limited, user.email, CHEAP_WRONG_PASSWORD)
    verified: list[str] = []
    original = PasswordHasher.verify

    def counting(self: PasswordHasher, hash: str, password: str) -> bool:
        verified.append(hash)
        return original(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    assert codes(await _login(limited, user.email, PASSWORD)) == ["RATE_LIMITED"]
    assert verified == []


async def test_login_per_address_limit_spans_emails(limited: RunningService) -> None:
    for n in range(5):
        attempt = await _login(limited, f"spray-{n}@example.com", CHEAP_WRONG_PASSWORD)
        assert codes(attempt) == ["INVALID_CREDENTIALS"]
    refused = await _login(limited, "spray-5@example.com", CHEAP_WRONG_PASSWORD)
    assert 50 <= _retry_seconds(refused) <= 60
    elsewhere = await _login(limited, "spray-5@example.com", CHEAP_WRONG_PASSWORD, "10.0.0.9")
    assert codes(elsewhere) == ["INVALID_CREDENTIALS"]


async def test_register_limits_per_email_and_per_address(limited: RunningService) -> None:
    assert codes(await _register(limited, "same@example.com")) == ["INVALID_INPUT"]
    assert codes(await _register(limited, "SAME@example.com ", address="10.0.0.2")) == [
        "INVALID_INPUT"
    ]
    per_email = await _register(limited, "same@example.com", address="10.0.0.3")
    assert 3590 <= _retry_seconds(per_email) <= 3600
    for n in range(4):
        assert codes(await _register(limited, f"new-{n}@example.com", address="10.0.0.4")) == [
            "INVALID_INPUT"
        ]
    per_address = await _register(limited, "new-4@example.com", address="10.0.0.4")
    assert 50 <= _retry_seconds(per_address) <= 60


async def test_switched_off_limits_never_refuse(unlimited: RunningService) -> None:
    for _ in range(8):
        assert codes(await _login(unlimited, "a@example.com", CHEAP_WRONG_PASSWORD)) == [
            "INVALID_CREDENTIALS"
        ]
        assert codes(await _register(unlimited, "a@example.com")) == ["INVALID_INPUT"]


async def test_unknown_email_costs_one_argon2_verification_like_a_wrong_password(
    accounts: RunningService, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await create_user(accounts)
    verified: list[str] = []
    original = PasswordHasher.verify

    def counting(self: PasswordHasher, hash: str, password: str) -> bool:
        verified.append(hash)
        return original(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    for _ in range(2):
        for email in (user.email, "ghost@example.com"):
            payload = await _login(accounts, email, "a wrong password")
            assert codes(payload) == ["INVALID_CREDENTIALS"]

    # One verification per attempt, each with the same Argon2 parameters (the
    # same work, so the same time, whatever the machine's load): the unknown
    # address is checked against a stand-in hash, never answered early.
    assert len(verified) == 4
    assert all(hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$") for hash in verified)
    wrong, unknown = verified[0::2], verified[1::2]
    assert len(set(wrong)) == 1 and len(set(unknown)) == 1
    assert wrong[0] != unknown[0]


ISSUE = """
mutation Issue($clientId: String!, $clientSecret: String!) {
  issueClientToken(clientId: $clientId, clientSecret: $clientSecret) {
    accessToken userErrors { field message code }
  }
}
"""
DESCRIPTIONS = """
query Contract {
  __schema { mutationType { fields { name description } } }
}
"""
RATE_LIMITED_MUTATIONS = {"register", "login", "issueClientToken", "changePassword"}


@pytest.fixture
async def client_limited(
    databases: DatabaseFactory, redis_url: str
) -> AsyncIterator[RunningService]:
    env = {"ACCOUNTS_CLIENT_TOKEN_LIMIT_PER_ADDRESS": "2"}
    async for running in start_accounts(databases, redis_url, env=env):
        yield running


async def _issue(service: RunningService, address: str) -> dict[str, Any]:
    variables = {"clientId": "msc_unknown", "clientSecret": "wrong"}
    result = await service.graphql.execute(ISSUE, variables, **_from(address))
    return result.ok()["issueClientToken"]


async def test_client_tokens_are_rate_limited_per_address_with_the_wait_in_the_message(
    client_limited: RunningService,
) -> None:
    first = [codes(await _issue(client_limited, "10.9.0.1")) for _ in range(2)]
    assert first == [["INVALID_CREDENTIALS"]] * 2
    refused = await _issue(client_limited, "10.9.0.1")
    assert 1 <= _retry_seconds(refused) <= 60 and refused["accessToken"] is None
    assert codes(await _issue(client_limited, "10.9.0.2")) == ["INVALID_CREDENTIALS"]


async def test_every_rate_limited_mutation_says_it_answers_a_user_error(
    limited: RunningService,
) -> None:
    result = await limited.graphql.execute(DESCRIPTIONS)
    fields = {
        f["name"]: f["description"] for f in result.ok()["__schema"]["mutationType"]["fields"]
    }
    for name in RATE_LIMITED_MUTATIONS:
        description = fields[name]
        assert "userErrors:" in description and "RATE_LIMITED" in description, name
        assert description.index("userErrors:") < description.index("RATE_LIMITED"), name
        assert "when to retry" in description, name
    refresh = fields["refreshToken"]
    assert "INVALID_TOKEN" in refresh and "revokes every token of its sign-in" in refresh
