"""The accounts service under test, and users made without paying for Argon2id.

Hashing a password costs about half a second here, so users that the test
does not sign in with a password are inserted with one hash made per run,
and carry tokens minted with the run's signing key.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from sqlalchemy import text

from shared.services import service
from subgraphs.accounts import repository
from subgraphs.accounts.passwords import _hasher
from tests.support.databases import DatabaseFactory
from tests.support.services import RunningService, mint_token, running_service

PASSWORD = "correct horse battery"
# The relay would poll the outbox on the same engine and its statements would
# land in the statement counts; these tests read the outbox rows themselves.
ACCOUNTS_ENV = {"MINISHOP_EVENTS_IN_PROCESS": "false"}


@cache
def password_hash() -> str:
    return _hasher().hash(PASSWORD)


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    email: str
    token: str


async def start_accounts(
    databases: DatabaseFactory, redis_url: str, env: dict[str, str] | None = None
) -> AsyncIterator[RunningService]:
    spec = service("accounts")
    url = await databases.create(spec)
    try:
        async with running_service(
            spec, database_url=url, redis_url=redis_url, env={**ACCOUNTS_ENV, **(env or {})}
        ) as running:
            yield running
    finally:
        await databases.drop(url)


@pytest.fixture
async def accounts(databases: DatabaseFactory, redis_url: str) -> AsyncIterator[RunningService]:
    async for running in start_accounts(databases, redis_url):
        yield running


async def create_user(
    accounts: RunningService,
    *,
    email: str | None = None,
    name: str = "Shopper",
    roles: tuple[str, ...] = ("CUSTOMER",),
) -> Member:
    """A user whose password is PASSWORD, with an access token (no refresh token)."""
    email = email or f"user-{uuid.uuid4().hex[:10]}@example.com"
    assert accounts.state.sessionmaker is not None
    async with accounts.state.sessionmaker.begin() as session:
        row = await repository.insert_user(
            session, email=email, name=name, password_hash=password_hash(), roles=list(roles)
        )
    assert row is not None
    return Member(str(row.id), email, mint_token(str(row.id), roles=list(roles)))


@pytest.fixture
async def customer(accounts: RunningService) -> Member:
    return await create_user(accounts, name="Cam Customer")


@pytest.fixture
async def admin(accounts: RunningService) -> Member:
    return await create_user(accounts, name="Ada Admin", roles=("CUSTOMER", "ADMIN"))


async def rows(accounts: RunningService, sql: str, **params: Any) -> list[Any]:
    assert accounts.state.engine is not None
    async with accounts.state.engine.connect() as connection:
        return list((await connection.execute(text(sql), params)).all())


async def outbox(accounts: RunningService) -> list[Any]:
    return await rows(accounts, "SELECT type, envelope FROM outbox ORDER BY seq")


def codes(payload: dict[str, Any]) -> list[str]:
    return [error["code"] for error in payload["userErrors"]]


async def execute(accounts: RunningService, sql: str, **params: Any) -> None:
    """Change rows behind the service's back (to age a token, say)."""
    assert accounts.state.engine is not None
    async with accounts.state.engine.begin() as connection:
        await connection.execute(text(sql), params)
