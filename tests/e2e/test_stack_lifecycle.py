"""`minishop up` as a developer uses it: start, Ctrl-C, start again on the same data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from shared.devstack.process import port_is_free
from tests.devstack.launch import processes_started_for
from tests.e2e.conftest import READY_LIMIT_SECONDS, describe, start_stack, stop_stack
from tests.support.accounts import LOGIN, REGISTER
from tests.support.graphql import GraphQLClient

ME = "query { me { email } }"
USER = {"email": "lifecycle@example.com", "password": "kept across restarts", "name": "Life"}


async def execute(
    gateway_url: str, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> Any:
    async with httpx.AsyncClient(trust_env=False, timeout=10) as http:
        return (await GraphQLClient(http, gateway_url, token).execute(query, variables)).ok()


async def test_sigint_stops_everything_and_a_restart_keeps_users_and_keys(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    first = start_stack(home)
    try:
        first.wait_ready(READY_LIMIT_SECONDS)
        stack = describe(first)
        ports = first.ports.all()
        assert not [port for port in ports if port_is_free(port)], "something is not listening"
        registered = await execute(stack.gateway_url, REGISTER, {"input": USER})
        assert registered["register"]["userErrors"] == []
        token = registered["register"]["accessToken"]
        assert token

        stop_stack(first)

        assert [port for port in ports if not port_is_free(port)] == []
        assert processes_started_for(home) == []
    finally:
        first.kill()

    second = start_stack(home)
    try:
        second.wait_ready(READY_LIMIT_SECONDS)
        stack = describe(second)
        # The user is still there, and a token from before the restart still verifies.
        login = {"email": USER["email"], "password": USER["password"]}
        logged_in = await execute(stack.gateway_url, LOGIN, {"input": login})
        assert logged_in["login"]["userErrors"] == []
        me = await execute(stack.gateway_url, ME, token=token)
        assert me["me"] == {"email": USER["email"]}
        stop_stack(second)
    finally:
        second.kill()
