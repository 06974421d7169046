"""The client's real address through the full stack, with the default sign-in limits.

Given a stack of its own behind a trusted proxy (MINISHOP_TRUSTED_PROXIES=
127.0.0.1/32, default ACCOUNTS_* limits), when one address fails to log in 70
times, then that address is RATE_LIMITED while another address signs in; on
a subgraph called directly, X-Forwarded-For changes nothing.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from shared.devstack.config import REPO_ROOT
from tests.devstack.launch import StackPorts, launch
from tests.e2e.conftest import READY_LIMIT_SECONDS, Stack, describe, stop_stack
from tests.support.accounts import LOGIN, REGISTER
from tests.support.graphql import GraphQLClient

MINISHOP = Path(sys.executable).with_name("minishop")
ATTACKER = "203.0.113.5"
BYSTANDER = "198.51.100.7"
PASSWORD = "e2e correct horse"
# accounts' default login_limit_per_address is 60 failures a minute.
FAILED_LOGINS = 70


@pytest.fixture(scope="module")
def proxied_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    launched = launch(
        [str(MINISHOP), "up", "--throwaway-data"],
        tmp_path_factory.mktemp("proxied") / "home",
        StackPorts.pick(),
        cwd=REPO_ROOT,
        extra_env={"MINISHOP_TRUSTED_PROXIES": "127.0.0.1/32"},
    )
    try:
        launched.wait_ready(READY_LIMIT_SECONDS)
        yield describe(launched)
    finally:
        stop_stack(launched)


@pytest.fixture
async def proxied(proxied_stack: Stack) -> AsyncIterator[GraphQLClient]:
    async with httpx.AsyncClient(timeout=30) as http:
        yield GraphQLClient(http, path=proxied_stack.gateway_url)


async def register(client: GraphQLClient, address: str) -> str:
    email = f"addr-{uuid.uuid4().hex[:12]}@example.com"
    variables = {"input": {"email": email, "password": PASSWORD, "name": "Ada"}}
    payload = (await client.execute(REGISTER, variables, **{"X-Forwarded-For": address})).ok()
    assert payload["register"]["userErrors"] == [], payload
    return email


async def login_codes(client: GraphQLClient, email: str, password: str, address: str) -> list[str]:
    variables = {"input": {"email": email, "password": password}}
    result = await client.execute(LOGIN, variables, **{"X-Forwarded-For": address})
    return [error["code"] for error in result.ok()["login"]["userErrors"]]


async def failed_logins(client: GraphQLClient, address: Callable[[int], str]) -> list[list[str]]:
    """FAILED_LOGINS wrong logins of unknown e-mails, ten at a time, so they all fall in
    one limit window however slow Argon2id is on this machine; codes in batch order."""
    codes: list[list[str]] = []
    for start in range(0, FAILED_LOGINS, 10):
        codes += await asyncio.gather(
            *(
                login_codes(client, f"nobody-{n}@example.com", "wrong password", address(n))
                for n in range(start, min(start + 10, FAILED_LOGINS))
            )
        )
    return codes


async def test_failed_logins_from_one_address_limit_that_address_only(
    proxied: GraphQLClient,
) -> None:
    bystander_email = await register(proxied, BYSTANDER)
    # Unknown e-mails: the per-e-mail limit never fills, only the per-address one.
    attempts = await failed_logins(proxied, lambda _n: ATTACKER)

    assert attempts[:10] == [["INVALID_CREDENTIALS"]] * 10
    assert attempts[-10:] == [["RATE_LIMITED"]] * 10
    assert await login_codes(proxied, bystander_email, PASSWORD, BYSTANDER) == []


async def test_x_forwarded_for_sent_straight_to_a_subgraph_changes_nothing(
    proxied_stack: Stack,
) -> None:
    # A new address for every attempt would escape a per-address limit if the
    # subgraph believed X-Forwarded-For; it counts them all against the TCP peer.
    async with httpx.AsyncClient(timeout=30) as http:
        accounts = GraphQLClient(http, path=f"{proxied_stack.service_urls['accounts']}/graphql")
        attempts = await failed_logins(accounts, lambda n: f"192.0.2.{n + 1}")

    assert attempts[:10] == [["INVALID_CREDENTIALS"]] * 10
    assert attempts[-10:] == [["RATE_LIMITED"]] * 10
