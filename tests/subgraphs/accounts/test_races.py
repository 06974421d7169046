"""Races on one account, run in a fixed interleaving (tests.support.locks): each
would end wrong without the row lock or the unique index that decides it."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from tests.subgraphs.accounts.conftest import PASSWORD, codes, create_user, rows
from tests.support.accounts import login_payload
from tests.support.locks import holding
from tests.support.services import RunningService

UPDATE_PROFILE = """
mutation Update($input: UpdateProfileInput!) {
  updateProfile(input: $input) { user { id email } userErrors { field code } }
}
"""
CHANGE_PASSWORD = """
mutation Change($input: ChangePasswordInput!) {
  changePassword(input: $input) { user { id } userErrors { field code } }
}
"""
LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken refreshToken userErrors { code } }
}
"""
NEW_PASSWORD = "a brand new passphrase"
LOCK_USER = "SELECT 1 FROM users WHERE id = $1 FOR UPDATE"


async def _call(accounts: RunningService, token: str, query: str, **input: str) -> dict[str, Any]:
    result = await accounts.graphql.as_user(token).execute(query, {"input": input})
    payload: dict[str, Any] = next(iter(result.ok().values()))
    return payload


async def test_a_login_that_proved_the_old_password_fails_once_a_change_committed_first(
    accounts: RunningService,
) -> None:
    # Given a change of password waiting for the user's row, and then a login with
    # the old password that has read and verified the old hash, waiting behind it
    user = await create_user(accounts)
    async with holding(accounts) as held:
        await held.lock(LOCK_USER, uuid.UUID(user.id))
        change = asyncio.create_task(
            _call(
                accounts,
                user.token,
                CHANGE_PASSWORD,
                currentPassword=PASSWORD,
                newPassword=NEW_PASSWORD,
            )
        )
        await held.until_waiting(1)
        login = asyncio.create_task(login_payload(accounts.graphql, user.email, PASSWORD))
        await held.until_waiting(2)

        # When both go on: the change first, the login after it
        await held.release()
        changed, signed_in = await asyncio.gather(change, login)

    # Then the old password signed nobody in, and no session of the user survives
    assert changed["userErrors"] == []
    assert codes(signed_in) == ["INVALID_CREDENTIALS"]
    assert signed_in["refreshToken"] is None
    sessions = await rows(
        accounts,
        "SELECT id FROM refresh_tokens WHERE user_id = :id AND revoked_at IS NULL",
        id=uuid.UUID(user.id),
    )
    assert sessions == []
    assert (await login_payload(accounts.graphql, user.email, NEW_PASSWORD))["userErrors"] == []


async def test_two_users_taking_one_email_at_once_one_gets_it_the_other_email_taken(
    accounts: RunningService,
) -> None:
    # Given the first change written but held before its commit (at the outbox),
    # and the second past its "is the e-mail free?" check, waiting on the index
    first, second = await create_user(accounts), await create_user(accounts)
    wanted = f"shared-{uuid.uuid4().hex[:8]}@example.com"
    async with holding(accounts) as held:
        await held.lock("LOCK TABLE outbox IN EXCLUSIVE MODE")
        taking = asyncio.create_task(
            _call(accounts, first.token, UPDATE_PROFILE, email=wanted, currentPassword=PASSWORD)
        )
        await held.until_waiting(1)
        losing = asyncio.create_task(
            _call(accounts, second.token, UPDATE_PROFILE, email=wanted, currentPassword=PASSWORD)
        )
        await held.until_waiting(2)

        # When both go on
        await held.release()
        took, lost = await asyncio.gather(taking, losing)

    # Then the unique index decided: one owner, one EMAIL_TAKEN, one event
    assert took == {"user": {"id": first.id, "email": wanted}, "userErrors": []}
    assert lost["user"] is None
    assert codes(lost) == ["EMAIL_TAKEN"]
    owners = await rows(accounts, "SELECT id FROM users WHERE email = :email", email=wanted)
    assert [str(row.id) for row in owners] == [first.id]
    (kept,) = await rows(
        accounts, "SELECT email FROM users WHERE id = :id", id=uuid.UUID(second.id)
    )
    assert kept.email == second.email
    events = await rows(accounts, "SELECT type FROM outbox")
    assert [event.type for event in events] == ["UserUpdated"]
