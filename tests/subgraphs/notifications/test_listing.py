"""User.notifications and notificationPreferences: own only, newest first, keyset pages, batched."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest

from shared.events.contracts import PasswordChanged
from tests.subgraphs.notifications.conftest import StartNotifications
from tests.subgraphs.notifications.support import Producer, registered, rows
from tests.support.services import RunningService, mint_token
from tests.support.shop import eventually

PAGE = """
query Page($id: ID!, $first: Int, $after: String) {
  _entities(representations: [{__typename: "User", id: $id}]) {
    ... on User {
      notifications(first: $first, after: $after) {
        totalCount
        edges { cursor node { id kind channel status recipient subject body createdAt } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }
}
"""
MANY = """
query Many($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on User {
      id
      notifications(first: 5) { totalCount nodes { id kind } }
      notificationPreferences { email sms phone }
    }
  }
}
"""

pytestmark = pytest.mark.usefixtures("mailbox")


async def given_user_with_events(
    notifications: RunningService, producer: Producer, password_changes: int
) -> uuid.UUID:
    """A registered user who changed their password `password_changes` times:
    two messages (e-mail and SMS) per event."""
    user = registered()
    await producer.publish(
        user, *(PasswordChanged(user_id=user.user_id) for _ in range(password_changes))
    )
    expected = 2 * (1 + password_changes)
    await eventually(
        lambda: rows(
            notifications, "SELECT id FROM notifications WHERE user_id = :u", u=user.user_id
        ),
        lambda found: len(found) == expected,
        what=f"{expected} messages recorded",
    )
    return user.user_id


async def page(
    notifications: RunningService, user_id: uuid.UUID, token: str, **variables: Any
) -> dict[str, Any]:
    client = notifications.graphql.as_user(token)
    data = (await client.execute(PAGE, {"id": str(user_id), **variables})).ok()
    connection: dict[str, Any] = data["_entities"][0]["notifications"]
    return connection


async def test_a_user_sees_own_messages_newest_first_e_mail_before_its_sms(
    notifications: RunningService, producer: Producer
) -> None:
    user_id = await given_user_with_events(notifications, producer, 1)

    connection = await page(notifications, user_id, mint_token(str(user_id)))

    nodes = [edge["node"] for edge in connection["edges"]]
    assert [(n["kind"], n["channel"]) for n in nodes] == [
        ("PASSWORD_CHANGED", "EMAIL"),
        ("PASSWORD_CHANGED", "SMS"),
        ("WELCOME", "EMAIL"),
        ("WELCOME", "SMS"),
    ]
    assert connection["totalCount"] == 4
    sms = nodes[1]
    assert (sms["status"], sms["recipient"], sms["subject"]) == ("SKIPPED", "", None)
    assert nodes[2]["subject"] == "Welcome to MiniShop"


async def test_pages_follow_one_another_and_stay_put_while_messages_arrive(
    notifications: RunningService, producer: Producer
) -> None:
    user_id = await given_user_with_events(notifications, producer, 4)  # 10 messages
    token = mint_token(str(user_id))
    everything = [e["node"]["id"] for e in (await page(notifications, user_id, token))["edges"]]

    first = await page(notifications, user_id, token, first=4)
    # New messages arrive between the pages: they go to the front, not into page two.
    await producer.publish(PasswordChanged(user_id=user_id))
    await eventually(
        lambda: rows(notifications, "SELECT id FROM notifications WHERE user_id = :u", u=user_id),
        lambda found: len(found) == 12,
        what="two more messages",
    )
    second = await page(
        notifications, user_id, token, first=4, after=first["pageInfo"]["endCursor"]
    )
    third = await page(
        notifications, user_id, token, first=4, after=second["pageInfo"]["endCursor"]
    )

    ids = [e["node"]["id"] for p in (first, second, third) for e in p["edges"]]
    assert ids == everything
    assert [p["pageInfo"]["hasNextPage"] for p in (first, second, third)] == [True, True, False]
    assert [p["pageInfo"]["hasPreviousPage"] for p in (first, second, third)] == [
        False,
        True,
        True,
    ]
    assert third["totalCount"] == 12


def forged(key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "after",
    [
        "not a cursor",
        forged(["x"]),
        forged([True]),
        forged([-5]),
        forged([2**70]),
        forged([1.5]),
        forged([1, 2]),
        forged({"seq": 1}),
        "\x00",
    ],
)
async def test_a_forged_cursor_is_bad_user_input(notifications: RunningService, after: str) -> None:
    user_id = uuid.uuid4()
    client = notifications.graphql.as_user(mint_token(str(user_id)))

    response = await client.execute(PAGE, {"id": str(user_id), "after": after})

    assert response.error_codes == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("first", [101, -1])
async def test_a_page_size_out_of_range_is_bad_user_input(
    notifications: RunningService, first: int
) -> None:
    user_id = uuid.uuid4()
    client = notifications.graphql.as_user(mint_token(str(user_id)))

    response = await client.execute(PAGE, {"id": str(user_id), "first": first})

    assert response.error_codes == ["BAD_USER_INPUT"]


async def test_another_users_messages_and_preferences_are_forbidden(
    notifications: RunningService, producer: Producer
) -> None:
    owner = await given_user_with_events(notifications, producer, 0)
    intruder = notifications.graphql.as_user(mint_token(str(uuid.uuid4())))
    query = 'query($id: ID!) { _entities(representations: [{__typename: "User", id: $id}]) {'
    preferences = query + " ... on User { notificationPreferences { email } } } }"

    messages = await intruder.execute(PAGE, {"id": str(owner)})
    choices = await intruder.execute(preferences, {"id": str(owner)})
    anonymous = await notifications.graphql.execute(PAGE, {"id": str(owner)})

    assert messages.error_codes == ["FORBIDDEN"]
    assert choices.error_codes == ["FORBIDDEN"]
    assert anonymous.error_codes == ["UNAUTHENTICATED"]
    for response in (messages, choices, anonymous):
        assert "WELCOME" not in json.dumps(response.body)


async def test_an_admin_reads_anyones_messages(
    notifications: RunningService, producer: Producer
) -> None:
    owner = await given_user_with_events(notifications, producer, 0)

    connection = await page(notifications, owner, mint_token(str(uuid.uuid4()), roles=["ADMIN"]))

    assert [e["node"]["kind"] for e in connection["edges"]] == ["WELCOME", "WELCOME"]


async def test_many_users_pages_and_preferences_cost_the_same_three_statements(
    start_notifications: StartNotifications, producer: Producer
) -> None:
    # Its dispatcher idle, so the only statements counted are the query's own.
    async with start_notifications(NOTIFICATIONS_DISPATCH_INTERVAL_SECONDS="3600") as notifications:
        users = [await given_user_with_events(notifications, producer, n) for n in (0, 1, 3)]
        await count_statements_of(notifications, users)


async def count_statements_of(notifications: RunningService, users: list[uuid.UUID]) -> None:
    admin = notifications.graphql.as_user(mint_token(str(uuid.uuid4()), roles=["ADMIN"]))

    def representations(ids: list[uuid.UUID]) -> dict[str, Any]:
        return {"representations": [{"__typename": "User", "id": str(u)} for u in ids]}

    with notifications.sql.counting() as one:
        (await admin.execute(MANY, representations(users[:1]))).ok()
    with notifications.sql.counting() as three:
        data = (await admin.execute(MANY, representations(users))).ok()

    # A page, a count and the preferences: one statement each, however many users.
    assert len(one) == len(three) == 3, three.statements
    assert [
        (u["notifications"]["totalCount"], len(u["notifications"]["nodes"]))
        for u in data["_entities"]
    ] == [
        (2, 2),
        (4, 4),
        (8, 5),
    ]
    assert {u["id"] for u in data["_entities"]} == {str(u) for u in users}


@pytest.mark.parametrize("forged_id", ["not-a-uuid", "\x00", "1" * 5000])
async def test_an_admin_asking_for_a_malformed_user_id_gets_an_empty_list(
    notifications: RunningService, forged_id: str
) -> None:
    admin = notifications.graphql.as_user(mint_token(str(uuid.uuid4()), roles=["ADMIN"]))

    response = await admin.execute(
        MANY, {"representations": [{"__typename": "User", "id": forged_id}]}
    )

    (user,) = response.ok()["_entities"]
    assert user["notifications"] == {"totalCount": 0, "nodes": []}
    assert user["notificationPreferences"] == {"email": True, "sms": False, "phone": None}
