"""A user's own account: updateProfile and changePassword, their codes, their
events, and nothing written when they fail."""

from __future__ import annotations

import jwt

from tests.subgraphs.accounts.conftest import (
    PASSWORD,
    codes,
    create_user,
    outbox,
    rows,
)
from tests.support.accounts import login_payload
from tests.support.services import RunningService

UPDATE_PROFILE = """
mutation Update($input: UpdateProfileInput!) {
  updateProfile(input: $input) { user { id email name } userErrors { field message code } }
}
"""
CHANGE_PASSWORD = """
mutation Change($input: ChangePasswordInput!) {
  changePassword(input: $input) { user { id } userErrors { field message code } }
}
"""
LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken refreshToken userErrors { code } }
}
"""
REFRESH = """
mutation Refresh($token: String!) {
  refreshToken(refreshToken: $token) { accessToken userErrors { code } }
}
"""
NEW_PASSWORD = "a brand new passphrase"


async def _update(accounts: RunningService, token: str, **input: str | None) -> dict:
    result = await accounts.graphql.as_user(token).execute(UPDATE_PROFILE, {"input": input})
    return result.ok()["updateProfile"]


async def test_update_profile_renames_and_announces_user_updated(
    accounts: RunningService,
) -> None:
    user = await create_user(accounts, name="Old Name")
    payload = await _update(accounts, user.token, name="  New Name ")
    assert payload == {
        "user": {"id": user.id, "email": user.email, "name": "New Name"},
        "userErrors": [],
    }
    events = await outbox(accounts)
    assert [event.type for event in events] == ["UserUpdated"]
    assert events[0].envelope["data"] == {
        "user_id": user.id,
        "email": user.email,
        "name": "New Name",
    }


async def test_update_profile_without_change_writes_no_event(accounts: RunningService) -> None:
    user = await create_user(accounts, name="Same")
    assert (await _update(accounts, user.token, name="Same"))["userErrors"] == []
    assert (await _update(accounts, user.token))["userErrors"] == []
    assert await outbox(accounts) == []


async def test_changing_the_email_needs_the_current_password(accounts: RunningService) -> None:
    user = await create_user(accounts)
    missing = await _update(accounts, user.token, email="new@example.com")
    assert codes(missing) == ["INVALID_INPUT"]
    assert missing["userErrors"][0]["field"] == ["currentPassword"]
    wrong = await _update(
        accounts, user.token, email="new@example.com", currentPassword="not the password"
    )
    assert codes(wrong) == ["INVALID_CREDENTIALS"]
    assert wrong["userErrors"][0]["field"] == ["currentPassword"]
    assert await outbox(accounts) == []
    changed = await _update(
        accounts, user.token, email=" New@Example.com ", currentPassword=PASSWORD
    )
    assert changed["user"]["email"] == "new@example.com"
    (event,) = await outbox(accounts)
    assert event.type == "UserUpdated" and event.envelope["data"]["email"] == "new@example.com"
    # The new e-mail signs in; the old one is gone.
    assert (await login_payload(accounts.graphql, "new@example.com", PASSWORD))["userErrors"] == []
    assert codes(await login_payload(accounts.graphql, user.email, PASSWORD)) == [
        "INVALID_CREDENTIALS"
    ]


async def test_update_profile_codes_and_nothing_written(accounts: RunningService) -> None:
    user = await create_user(accounts, name="Kept")
    other = await create_user(accounts)
    taken = await _update(accounts, user.token, email=other.email, currentPassword=PASSWORD)
    assert codes(taken) == ["EMAIL_TAKEN"] and taken["user"] is None
    invalid = await _update(accounts, user.token, name=" ", email="not-an-email")
    assert sorted(error["field"][0] for error in invalid["userErrors"]) == ["email", "name"]
    assert set(codes(invalid)) == {"INVALID_INPUT"}
    (row,) = await rows(accounts, "SELECT email, name FROM users WHERE id = :id", id=user.id)
    assert (row.email, row.name) == (user.email, "Kept")
    assert await outbox(accounts) == []


async def test_profile_mutations_need_a_signed_in_user(accounts: RunningService) -> None:
    anonymous = await accounts.graphql.execute(UPDATE_PROFILE, {"input": {"name": "X"}})
    assert anonymous.error_codes == ["UNAUTHENTICATED"]
    change = {"input": {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}}
    assert (await accounts.graphql.execute(CHANGE_PASSWORD, change)).error_codes == [
        "UNAUTHENTICATED"
    ]


async def test_change_password_keeps_this_sign_in_and_ends_the_others(
    accounts: RunningService,
) -> None:
    user = await create_user(accounts)
    this_device = await login_payload(accounts.graphql, user.email, PASSWORD)
    other_device = await login_payload(accounts.graphql, user.email, PASSWORD)
    variables = {"input": {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}}
    changed = await accounts.graphql.as_user(this_device["accessToken"]).execute(
        CHANGE_PASSWORD, variables
    )
    assert changed.ok()["changePassword"] == {"user": {"id": user.id}, "userErrors": []}
    refresh = accounts.graphql.execute
    kept = (await refresh(REFRESH, {"token": this_device["refreshToken"]})).ok()
    ended = (await refresh(REFRESH, {"token": other_device["refreshToken"]})).ok()
    assert kept["refreshToken"]["userErrors"] == []
    assert codes(ended["refreshToken"]) == ["INVALID_TOKEN"]
    assert codes(await login_payload(accounts.graphql, user.email, PASSWORD)) == [
        "INVALID_CREDENTIALS"
    ]
    assert (await login_payload(accounts.graphql, user.email, NEW_PASSWORD))["userErrors"] == []
    events = await outbox(accounts)
    assert [event.type for event in events] == ["PasswordChanged"]
    assert events[0].envelope["data"] == {"user_id": user.id}
    sid = jwt.decode(this_device["accessToken"], options={"verify_signature": False})["sid"]
    live = await rows(
        accounts, "SELECT DISTINCT family_id FROM refresh_tokens WHERE revoked_at IS NULL"
    )
    # This sign-in's family and the one just made by the new-password login.
    assert sid in {str(row.family_id) for row in live} and len(live) == 2


async def test_change_password_codes_and_nothing_written(accounts: RunningService) -> None:
    user = await create_user(accounts)
    client = accounts.graphql.as_user(user.token)
    too_short = await client.execute(
        CHANGE_PASSWORD, {"input": {"currentPassword": PASSWORD, "newPassword": "short"}}
    )
    payload = too_short.ok()["changePassword"]
    assert codes(payload) == ["INVALID_INPUT"]
    assert payload["userErrors"][0]["field"] == ["newPassword"]
    wrong = await client.execute(
        CHANGE_PASSWORD,
        {"input": {"currentPassword": "wrong password", "newPassword": NEW_PASSWORD}},
    )
    payload = wrong.ok()["changePassword"]
    assert codes(payload) == ["INVALID_CREDENTIALS"] and payload["user"] is None
    assert payload["userErrors"][0]["field"] == ["currentPassword"]
    assert await outbox(accounts) == []
    assert (await login_payload(accounts.graphql, user.email, PASSWORD))["userErrors"] == []
