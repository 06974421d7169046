"""Notifications through the gateway and the local mailbox: welcome, confirmation, opt-out."""

from __future__ import annotations

from typing import Any

import httpx

from tests.e2e.conftest import Stack
from tests.e2e.test_orders import paid_order
from tests.support.accounts import register
from tests.support.graphql import GraphQLClient
from tests.support.shop import add_to_cart, checkout, eventually

MY_NOTIFICATIONS = """
query {
  me { id notifications(first: 20) { nodes { kind channel status recipient subject body } } }
}
"""
PREFERENCES = """
mutation Prefs($input: NotificationPreferencesInput!) {
  updateNotificationPreferences(input: $input) {
    preferences { email sms phone } userErrors { field code }
  }
}
"""
OTHERS = "query Other($id: ID!) { user(id: $id) { notifications(first: 5) { nodes { kind } } } }"


async def notifications(client: GraphQLClient) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = (await client.execute(MY_NOTIFICATIONS)).ok()["me"][
        "notifications"
    ]["nodes"]
    return nodes


async def mailbox(stack: Stack) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=stack.component_urls["mailbox"]) as http:
        response = await http.get("/messages")
        response.raise_for_status()
        listed: list[dict[str, Any]] = response.json()
    return listed


def emails(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The e-mail messages, newest first (each event also records an SMS, here SKIPPED)."""
    return [node for node in nodes if node["channel"] == "EMAIL"]


def kinds(nodes: list[dict[str, Any]]) -> set[str]:
    return {node["kind"] for node in nodes}


async def test_a_new_shopper_is_welcomed_and_an_order_confirmed_by_e_mail(
    stack: Stack, gateway: GraphQLClient, admin_token: str
) -> None:
    buyer, order, _ = await paid_order(gateway, admin_token)

    nodes = await eventually(
        lambda: notifications(buyer),
        lambda found: (
            {"WELCOME", "ORDER_CONFIRMED"} <= kinds(found)
            and all(n["status"] == "SENT" for n in found if n["channel"] == "EMAIL")
        ),
        what="the welcome and confirmation e-mails to be sent",
    )

    confirmation = next(n for n in emails(nodes) if n["kind"] == "ORDER_CONFIRMED")
    assert order["number"] in confirmation["body"]
    recipient = confirmation["recipient"]
    received = [m for m in await mailbox(stack) if recipient in str(m["to"])]
    subjects = [str(m["subject"]) for m in received]
    assert len(received) == 2, subjects
    assert any(order["number"] in subject for subject in subjects)


async def test_an_opted_out_shopper_gets_skipped_messages_and_others_see_none_of_them(
    stack: Stack, gateway: GraphQLClient, admin_token: str
) -> None:
    buyer, _order, product = await paid_order(gateway, admin_token, stock=5)
    first = await eventually(
        lambda: notifications(buyer),
        lambda found: (
            "ORDER_CONFIRMED" in kinds(found) and all(n["status"] == "SENT" for n in emails(found))
        ),
        what="the first confirmation to be sent",
    )
    recipient = emails(first)[0]["recipient"]
    off = (await buyer.execute(PREFERENCES, {"input": {"email": False}})).ok()
    bad_phone = (await buyer.execute(PREFERENCES, {"input": {"phone": "12"}})).ok()
    mailed_before = [m for m in await mailbox(stack) if recipient in str(m["to"])]
    await add_to_cart(buyer, product["id"])
    second = await checkout(buyer)

    nodes = await eventually(
        lambda: notifications(buyer),
        lambda found: [n["kind"] for n in emails(found)].count("ORDER_CONFIRMED") == 2,
        what="the second confirmation to be recorded",
    )
    me = (await buyer.execute(MY_NOTIFICATIONS)).ok()["me"]
    _other_id, other_token = await register(gateway, "Other")
    peek = await gateway.as_user(other_token).execute(OTHERS, {"id": me["id"]})

    assert off["updateNotificationPreferences"]["preferences"]["email"] is False
    assert [e["code"] for e in bad_phone["updateNotificationPreferences"]["userErrors"]] == [
        "INVALID_INPUT"
    ]
    newest = next(n for n in emails(nodes) if n["kind"] == "ORDER_CONFIRMED")
    assert second["order"]["number"] in newest["body"]
    assert newest["status"] == "SKIPPED"
    assert [m for m in await mailbox(stack) if recipient in str(m["to"])] == mailed_before
    assert peek.error_codes == ["FORBIDDEN"]
