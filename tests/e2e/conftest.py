"""The whole stack for the end-to-end tests, started by the real `minishop up`.

The same code as `make up` runs as a subprocess with its own MINISHOP_HOME and
free ports; DATABASE_URL / REDIS_URL from the environment pass through, so CI
with existing servers uses them. Tests talk only to the URLs given here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from shared.devstack.config import REPO_ROOT, StackConfig
from tests.devstack.launch import STOP_LIMIT_SECONDS, LaunchedStack, StackPorts, launch
from tests.support.accounts import client_address, login
from tests.support.graphql import GraphQLClient

MINISHOP = Path(sys.executable).with_name("minishop")
# Generous: on two shared cores eight services and the gateway may take minutes to start.
READY_LIMIT_SECONDS = 300.0
HERE = Path(__file__).parent
# The suite runs with the default sign-in limits. Its clients all connect from
# 127.0.0.1, so the gateway trusts that hop's X-Forwarded-For, and each test (and
# each sign-up, see tests/support/accounts.py) comes from an address of its own.
E2E_ENV = {"MINISHOP_TRUSTED_PROXIES": "127.0.0.1/32", "MINISHOP_READY_TIMEOUT": "240"}


@dataclass(frozen=True, slots=True)
class Stack:
    """A running stack: where to reach it and how to sign in as its admin."""

    gateway_url: str
    home: Path
    admin_email: str
    admin_password: str
    # Service name -> its base URL (http://127.0.0.1:<port>), for direct calls.
    service_urls: dict[str, str]
    # The local stand-ins (processor, mailbox) -> their HTTP base URL.
    component_urls: dict[str, str]
    launched: LaunchedStack


def start_stack(home: Path) -> LaunchedStack:
    """`minishop up --throwaway-data` in `home` on free ports; returns at once."""
    return launch(
        [str(MINISHOP), "up", "--throwaway-data"],
        home,
        StackPorts.pick(),
        cwd=REPO_ROOT,
        extra_env=E2E_ENV,
    )


def describe(launched: LaunchedStack) -> Stack:
    # The stack's own reading of the environment it was given.
    config = StackConfig.from_env(
        {**os.environ, **launched.ports.env(), "MINISHOP_HOME": str(launched.home)}
    )
    return Stack(
        gateway_url=config.gateway_url,
        home=launched.home,
        admin_email=config.admin_email,
        admin_password=config.admin_password,
        service_urls={spec.name: config.service_url(spec) for spec in config.services},
        component_urls={spec.name: config.component_url(spec) for spec in config.components},
        launched=launched,
    )


def stop_stack(launched: LaunchedStack) -> None:
    """Ctrl-C, and fail unless the stack exits cleanly within 10 s."""
    if launched.process.poll() is not None:
        return
    code, _seconds = launched.interrupt()
    if code is None:
        launched.kill()
        pytest.fail(
            f"`minishop up` still ran {STOP_LIMIT_SECONDS:.0f} s after SIGINT\n"
            + launched.diagnostics()
        )
    if code != 0:
        pytest.fail(f"`minishop up` exited with {code} after SIGINT\n" + launched.diagnostics())


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    launched = start_stack(tmp_path_factory.mktemp("stack") / "home")
    try:
        launched.wait_ready(READY_LIMIT_SECONDS)
        yield describe(launched)
    finally:
        stop_stack(launched)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark this folder's tests `e2e`; run the lifecycle tests first.

    The lifecycle tests start stacks of their own: first, they never run beside
    the shared one (which lives until the end of the session).
    """
    ours = [item for item in items if HERE in item.path.parents]
    for item in ours:
        item.add_marker(pytest.mark.e2e)
    lifecycle = [item for item in ours if item.path.name == "test_stack_lifecycle.py"]
    if not lifecycle or not ours:
        return
    first = items.index(ours[0])
    rest = [item for item in items if item not in lifecycle]
    items[:] = rest[:first] + lifecycle + rest[first:]


@pytest.fixture
async def gateway(stack: Stack) -> AsyncIterator[GraphQLClient]:
    """A GraphQL client of the gateway (anonymous; `as_user(token)` signs in)."""
    async with httpx.AsyncClient(timeout=30) as http:
        yield GraphQLClient(
            http, path=stack.gateway_url, headers={"X-Forwarded-For": client_address()}
        )


@pytest.fixture
async def admin_token(stack: Stack, gateway: GraphQLClient) -> str:
    return await login(gateway, stack.admin_email, stack.admin_password)
