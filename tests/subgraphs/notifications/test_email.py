"""E-mail against a real SMTP server: what arrives, to whom, and once."""

from __future__ import annotations

import asyncio
from email import message_from_bytes
from email.message import Message
from email.policy import default as default_policy
from pathlib import Path

from shared.devstack.mailbox import RunningMailbox, running_mailbox
from shared.devstack.process import free_port
from tests.subgraphs.notifications.support import (
    Producer,
    mailbox_messages,
    paid,
    registered,
    rows,
    wait_settled,
)
from tests.support.services import RunningService
from tests.support.shop import eventually

EMAIL_OF = "SELECT * FROM notifications WHERE channel = 'EMAIL' AND user_id = :u"


def read_eml(mail_dir: Path, file: str) -> Message:
    return message_from_bytes((mail_dir / file).read_bytes(), policy=default_policy)


async def test_welcome_and_order_confirmation_arrive_with_recipient_subject_and_number(
    notifications: RunningService, producer: Producer, mailbox: RunningMailbox, mail_dir: Path
) -> None:
    user = registered("Ada Lovelace")
    await producer.publish(user, paid(user.user_id, number="MS-7731"))

    sent = await wait_settled(notifications, 2, where="channel = 'EMAIL'")
    received = await mailbox_messages(mailbox)

    assert [(r["kind"], r["status"]) for r in sent] == [
        ("WELCOME", "SENT"),
        ("ORDER_CONFIRMED", "SENT"),
    ]
    assert [(m["to"], m["subject"]) for m in received] == [
        ([user.email], "Welcome to MiniShop"),
        ([user.email], "Order MS-7731 confirmed"),
    ]
    # The Message-ID is the message row's: the same on every try.
    assert [m["message_id"] for m in received] == [f"<{r['id']}@minishop.local>" for r in sent]
    confirmation = read_eml(mail_dir, received[1]["file"])
    body = confirmation.get_content()  # type: ignore[attr-defined]
    assert "Hello Ada Lovelace," in body
    assert "order MS-7731" in body
    assert "2 x Enamel mug (MUG-001) at 19.99 USD: 39.98 USD" in body
    assert "Total paid: 44.97 USD" in body
    assert "SW1Y 4JH London" in body
    assert confirmation["From"] == "MiniShop <no-reply@minishop.local>"


async def test_an_smtp_outage_is_retried_and_then_sent_once(
    notifications: RunningService, producer: Producer, smtp_port: int, mail_dir: Path
) -> None:
    # Given a first message went out, then the SMTP server stopped
    before, during = registered("Before"), registered("During")
    async with running_mailbox("127.0.0.1", smtp_port, free_port(), mail_dir):
        await producer.publish(before)
        await wait_settled(notifications, 1, where="channel = 'EMAIL'")

    # When a message is due while it is down, and it comes back after two failed sends
    await producer.publish(during)
    failing = await eventually(
        lambda: rows(notifications, EMAIL_OF, u=during.user_id),
        lambda found: bool(found) and found[0]["attempts"] >= 2,
        what="two failed sends",
    )
    async with running_mailbox("127.0.0.1", smtp_port, free_port(), mail_dir) as mailbox:
        (sent,) = await wait_settled(
            notifications, 1, where=f"channel = 'EMAIL' AND user_id = '{during.user_id}'"
        )
        # A later message goes out too: the dispatcher moved on, and sent nothing twice.
        after = registered("After")
        await producer.publish(after)
        await wait_settled(notifications, 3, where="channel = 'EMAIL'")
        received = await mailbox_messages(mailbox)

    # Then it was retried until sent, and every message arrived exactly once
    assert failing[0]["status"] == "QUEUED"
    assert "unreachable" in failing[0]["last_error"]
    assert sent["status"] == "SENT"
    assert sent["attempts"] >= 3
    assert sorted(m["to"][0] for m in received) == sorted(u.email for u in (before, during, after))
    assert len(await asyncio.to_thread(lambda: list(mail_dir.glob("*.eml")))) == 3


async def test_a_message_is_failed_after_its_last_attempt_and_never_sent(
    notifications: RunningService, producer: Producer
) -> None:
    # Nothing listens on the SMTP port for the whole test.
    user = registered()
    await producer.publish(user)

    (failed,) = await wait_settled(notifications, 1, where="channel = 'EMAIL'")

    assert failed["status"] == "FAILED"
    assert failed["attempts"] == 5  # NOTIFICATIONS_SEND_ATTEMPTS
    assert failed["sent_at"] is None
    assert failed["next_attempt_at"] is None
