"""A message for each kind of event, on each channel the user chose, or SKIPPED."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fastapi import FastAPI, Request, Response

from shared.devstack.mailbox import RunningMailbox
from shared.events.contracts import (
    OrderCancelled,
    OrderPaymentFailed,
    PasswordChanged,
    PaymentRefunded,
    ShipmentDelivered,
    ShipmentShipped,
)
from tests.subgraphs.notifications.conftest import StartNotifications
from tests.subgraphs.notifications.support import (
    Producer,
    mailbox_messages,
    paid,
    registered,
    rows,
    wait_settled,
)
from tests.support.http_server import serve
from tests.support.services import RunningService, mint_token

UPDATE = """
mutation Update($input: NotificationPreferencesInput!) {
  updateNotificationPreferences(input: $input) { userErrors { code } }
}
"""


async def set_preferences(notifications: RunningService, user_id: uuid.UUID, **values: Any) -> None:
    client = notifications.graphql.as_user(mint_token(str(user_id)))
    response = await client.execute(UPDATE, {"input": values})
    assert response.ok()["updateNotificationPreferences"]["userErrors"] == []


async def test_every_kind_names_its_order_totals_and_tracking(
    notifications: RunningService, producer: Producer, mailbox: RunningMailbox
) -> None:
    user = registered("Grace Hopper")
    order = paid(user.user_id, number="MS-2001", total=Decimal("44.97"))
    failed = OrderPaymentFailed(
        order_id=uuid.uuid4(),
        user_id=user.user_id,
        number="MS-2002",
        currency="USD",
        total=Decimal("12.50"),
        failure_code="CARD_DECLINED",
    )
    shipment: dict[str, Any] = {
        "shipment_id": uuid.uuid4(),
        "order_id": order.order_id,
        "user_id": user.user_id,
    }
    tracking: dict[str, Any] = {"carrier": "UPS", "tracking_number": "1Z999AA10123456784"}
    await producer.publish(user, order, failed)
    # Shipping and payments follow the paid order, as they do in the shop.
    await wait_settled(notifications, 3, where="channel = 'EMAIL'")
    await producer.publish(
        ShipmentShipped(**shipment, **tracking),
        ShipmentDelivered(**shipment, **tracking),
        PaymentRefunded(
            payment_id=uuid.uuid4(),
            refund_id=uuid.uuid4(),
            order_id=order.order_id,
            user_id=user.user_id,
            currency="USD",
            amount=Decimal("10.00"),
            refunded_total=Decimal("10.00"),
            captured=Decimal("44.97"),
            fully_refunded=False,
        ),
        OrderCancelled(
            order_id=order.order_id,
            user_id=user.user_id,
            number="MS-2001",
            currency="USD",
            total=Decimal("44.97"),
        ),
        PasswordChanged(user_id=user.user_id),
    )

    emails = await wait_settled(notifications, 8, where="channel = 'EMAIL'")

    # Each producer's stream keeps its own order; across streams there is none.
    assert {m["kind"]: (m["status"], m["subject"]) for m in emails} == {
        "WELCOME": ("SENT", "Welcome to MiniShop"),
        "ORDER_CONFIRMED": ("SENT", "Order MS-2001 confirmed"),
        "PAYMENT_FAILED": ("SENT", "Payment for order MS-2002 did not go through"),
        "ORDER_SHIPPED": ("SENT", "Order MS-2001 has shipped"),
        "ORDER_DELIVERED": ("SENT", "Order MS-2001 was delivered"),
        "REFUND_ISSUED": ("SENT", "Refund for order MS-2001: 10.00 USD"),
        "ORDER_CANCELLED": ("SENT", "Order MS-2001 was cancelled"),
        "PASSWORD_CHANGED": ("SENT", "Your MiniShop password was changed"),
    }
    bodies = {m["kind"]: m["body"] for m in emails}
    assert "Tracking number: 1Z999AA10123456784" in bodies["ORDER_SHIPPED"]
    assert "with UPS" in bodies["ORDER_SHIPPED"]
    assert "12.50 USD" in bodies["PAYMENT_FAILED"]
    assert "In all, 10.00 USD of 44.97 USD has been refunded." in bodies["REFUND_ISSUED"]
    assert all(body.startswith("Hello Grace Hopper,\n") for body in bodies.values())
    assert [m["subject"] for m in await mailbox_messages(mailbox)] == [m["subject"] for m in emails]
    texts = await rows(
        notifications,
        "SELECT kind, status, body FROM notifications WHERE channel = 'SMS' ORDER BY seq",
    )
    assert {t["status"] for t in texts} == {"SKIPPED"}  # SMS is off by default
    assert {t["kind"]: t["body"] for t in texts}["ORDER_SHIPPED"] == (
        "MiniShop: order MS-2001 has shipped with UPS, tracking 1Z999AA10123456784."
    )


async def test_a_shipment_of_an_order_not_seen_yet_still_gets_its_message(
    notifications: RunningService, producer: Producer, mailbox: RunningMailbox
) -> None:
    user = registered()
    await producer.publish(
        user,
        ShipmentShipped(
            shipment_id=uuid.uuid4(), order_id=uuid.uuid4(), user_id=user.user_id, carrier="DHL"
        ),
    )

    emails = await wait_settled(notifications, 2, where="channel = 'EMAIL'")

    shipped = {m["kind"]: m for m in emails}["ORDER_SHIPPED"]
    assert shipped["subject"] == "Your order has shipped"
    assert "Your order is on its way with DHL." in shipped["body"]
    assert "Tracking number" not in shipped["body"]


async def test_e_mail_turned_off_is_skipped_and_nothing_is_sent(
    notifications: RunningService, producer: Producer, mailbox: RunningMailbox
) -> None:
    user = registered()
    await producer.publish(user)
    await wait_settled(notifications, 1, where="channel = 'EMAIL'")
    await set_preferences(notifications, user.user_id, email=False)

    await producer.publish(paid(user.user_id, number="MS-3001"), registered("Someone else"))
    emails = await wait_settled(notifications, 3, where="channel = 'EMAIL'")

    # The order and the other user's sign-up travel on different streams: either may land first.
    assert (emails[0]["kind"], emails[0]["status"]) == ("WELCOME", "SENT")
    assert sorted((m["kind"], m["status"]) for m in emails[1:]) == [
        ("ORDER_CONFIRMED", "SKIPPED"),
        ("WELCOME", "SENT"),
    ]
    (skipped,) = [m for m in emails if m["status"] == "SKIPPED"]
    assert skipped["sent_at"] is None
    assert skipped["attempts"] == 0
    assert "MS-3001" in skipped["body"]  # recorded as it would have been sent
    # Only the two welcomes reached the server.
    assert [m["subject"] for m in await mailbox_messages(mailbox)] == ["Welcome to MiniShop"] * 2


@dataclass
class SmsGateway:
    """A stand-in SMS provider's API: records what it is sent, answers as told."""

    answers: list[int] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    got: asyncio.Event = field(default_factory=asyncio.Event)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/sms")
        async def sms(request: Request) -> Response:
            self.received.append(
                {
                    "json": await request.json(),
                    "key": request.headers.get("idempotency-key"),
                    "auth": request.headers.get("authorization"),
                }
            )
            self.got.set()
            return Response(status_code=self.answers.pop(0) if self.answers else 200)

        return app


@asynccontextmanager
async def sms_gateway(answers: list[int]) -> AsyncIterator[tuple[SmsGateway, str]]:
    gateway = SmsGateway(answers=answers)
    async with serve(gateway.app()) as url:
        yield gateway, f"{url}/sms"


async def test_sms_goes_through_the_http_provider_retried_after_a_server_error(
    start_notifications: StartNotifications, producer: Producer, mailbox: RunningMailbox
) -> None:
    user = registered()
    async with (
        sms_gateway([503]) as (gateway, url),
        start_notifications(
            NOTIFICATIONS_SMS_PROVIDER="http",
            NOTIFICATIONS_SMS_HTTP_URL=url,
            NOTIFICATIONS_SMS_HTTP_TOKEN="gateway-token",
        ) as notifications,
    ):
        await set_preferences(notifications, user.user_id, phone="+44 7911 123456", sms=True)
        await producer.publish(user)
        (text,) = await wait_settled(notifications, 1, where="channel = 'SMS'")

    assert (text["status"], text["attempts"], text["recipient"]) == ("SENT", 2, "+447911123456")
    assert [r["json"] for r in gateway.received] == [
        {"id": str(text["id"]), "to": "+447911123456", "body": text["body"]}
    ] * 2
    assert {r["key"] for r in gateway.received} == {str(text["id"])}
    assert {r["auth"] for r in gateway.received} == {"Bearer gateway-token"}


async def test_sms_refused_by_the_provider_is_failed_at_once(
    start_notifications: StartNotifications, producer: Producer, mailbox: RunningMailbox
) -> None:
    user = registered()
    async with (
        sms_gateway([400]) as (gateway, url),
        start_notifications(
            NOTIFICATIONS_SMS_PROVIDER="http", NOTIFICATIONS_SMS_HTTP_URL=url
        ) as notifications,
    ):
        await set_preferences(notifications, user.user_id, phone="+14155550132", sms=True)
        await producer.publish(user)
        (text,) = await wait_settled(notifications, 1, where="channel = 'SMS'")

    assert (text["status"], text["attempts"]) == ("FAILED", 1)
    assert text["last_error"] == "SMS gateway answered 400"
    assert len(gateway.received) == 1
    assert gateway.received[0]["auth"] is None


async def test_sms_with_the_console_provider_is_sent_and_sms_off_is_skipped(
    notifications: RunningService, producer: Producer, mailbox: RunningMailbox
) -> None:
    texting, quiet = registered(), registered()
    await set_preferences(notifications, texting.user_id, phone="+14155550132", sms=True)
    await set_preferences(notifications, quiet.user_id, phone="+14155550133", sms=False)

    await producer.publish(texting, quiet)
    texts = await wait_settled(notifications, 2, where="channel = 'SMS'")

    assert [(t["user_id"], t["status"], t["recipient"]) for t in texts] == [
        (texting.user_id, "SENT", "+14155550132"),
        (quiet.user_id, "SKIPPED", "+14155550133"),
    ]
