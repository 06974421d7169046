"""updateNotificationPreferences: E.164 phones, SMS only with a phone, no write on failure."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.subgraphs.notifications.support import rows
from tests.support.services import RunningService, mint_token

UPDATE = """
mutation Update($input: NotificationPreferencesInput!) {
  updateNotificationPreferences(input: $input) {
    preferences { email sms phone }
    userErrors { field message code }
  }
}
"""
MINE = """
query Mine($id: ID!) {
  _entities(representations: [{__typename: "User", id: $id}]) {
    ... on User { notificationPreferences { email sms phone } }
  }
}
"""


async def update(
    notifications: RunningService, user_id: uuid.UUID, **values: Any
) -> dict[str, Any]:
    client = notifications.graphql.as_user(mint_token(str(user_id)))
    response = await client.execute(UPDATE, {"input": values})
    payload: dict[str, Any] = response.ok()["updateNotificationPreferences"]
    return payload


async def stored(notifications: RunningService, user_id: uuid.UUID) -> list[dict[str, Any]]:
    return await rows(
        notifications,
        "SELECT email_enabled, sms_enabled, phone FROM notification_preferences WHERE user_id = :u",
        u=user_id,
    )


async def test_a_new_user_has_e_mail_on_sms_off_and_no_phone(
    notifications: RunningService,
) -> None:
    user_id = uuid.uuid4()
    client = notifications.graphql.as_user(mint_token(str(user_id)))

    data = (await client.execute(MINE, {"id": str(user_id)})).ok()

    assert data["_entities"] == [
        {"notificationPreferences": {"email": True, "sms": False, "phone": None}}
    ]


@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        ("+44 20 7946 0958", "+442079460958"),
        ("+1 (415) 555-0132", "+14155550132"),
        ("  +33 6 12 34 56 78 ", "+33612345678"),
    ],
)
async def test_a_phone_is_kept_in_e164_form(
    notifications: RunningService, given: str, normalised: str
) -> None:
    user_id = uuid.uuid4()

    payload = await update(notifications, user_id, phone=given, sms=True)

    assert payload == {
        "preferences": {"email": True, "sms": True, "phone": normalised},
        "userErrors": [],
    }
    assert await stored(notifications, user_id) == [
        {"email_enabled": True, "sms_enabled": True, "phone": normalised}
    ]


async def test_left_out_fields_are_kept_and_null_removes_the_phone(
    notifications: RunningService,
) -> None:
    user_id = uuid.uuid4()
    await update(notifications, user_id, phone="+14155550132", email=False)

    kept = await update(notifications, user_id, sms=False)
    removed = await update(notifications, user_id, phone=None)

    assert kept["preferences"] == {"email": False, "sms": False, "phone": "+14155550132"}
    assert removed["preferences"] == {"email": False, "sms": False, "phone": None}


@pytest.mark.parametrize(
    "phone",
    [
        "12",
        "020 7946 0958",  # no country code
        "+1 555 0000000",  # not a number any country hands out
        "call me",
        "+44 20\x00 7946 0958",
        "+44\n2079460958",
        "+" + "9" * 40,
    ],
)
async def test_a_bad_phone_is_invalid_input_and_nothing_is_written(
    notifications: RunningService, phone: str
) -> None:
    user_id = uuid.uuid4()

    payload = await update(notifications, user_id, phone=phone, email=False)

    assert payload["preferences"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID_INPUT", ["phone"])
    ]
    assert await stored(notifications, user_id) == []


async def test_sms_without_a_phone_is_invalid_input_and_nothing_is_written(
    notifications: RunningService,
) -> None:
    user_id = uuid.uuid4()

    payload = await update(notifications, user_id, sms=True, email=False)

    assert payload["preferences"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("INVALID_INPUT", ["sms"])]
    assert await stored(notifications, user_id) == []


async def test_removing_the_phone_while_sms_is_on_is_refused_and_changes_nothing(
    notifications: RunningService,
) -> None:
    user_id = uuid.uuid4()
    await update(notifications, user_id, phone="+14155550132", sms=True)

    payload = await update(notifications, user_id, phone="", email=False)

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID_INPUT", ["phone"])
    ]
    assert await stored(notifications, user_id) == [
        {"email_enabled": True, "sms_enabled": True, "phone": "+14155550132"}
    ]


async def test_anonymous_callers_and_partner_clients_cannot_change_preferences(
    notifications: RunningService,
) -> None:
    partner_token = mint_token("client-abc", roles=[], scopes=["shipping:read"], partner=True)
    anonymous = await notifications.graphql.execute(UPDATE, {"input": {"email": False}})
    partner = await notifications.graphql.as_user(partner_token).execute(
        UPDATE, {"input": {"email": False}}
    )

    assert anonymous.error_codes == ["UNAUTHENTICATED"]
    assert partner.error_codes == ["UNAUTHENTICATED"]
    assert await rows(notifications, "SELECT * FROM notification_preferences") == []
