"""Several dispatchers at once (replicas): each message is claimed, and sent, by one."""

from __future__ import annotations

import asyncio

from shared.devstack.mailbox import RunningMailbox
from subgraphs.notifications.service.dispatch import Dispatcher, RetryPolicy
from subgraphs.notifications.service.sending import ConsoleSmsProvider, SmtpMailer
from subgraphs.notifications.settings import NotificationsSettings
from tests.subgraphs.notifications.conftest import StartNotifications
from tests.subgraphs.notifications.support import (
    Producer,
    mailbox_messages,
    registered,
    rows,
    wait_settled,
)
from tests.support.shop import eventually

MESSAGES = 30


async def test_three_dispatchers_racing_send_each_message_once(
    start_notifications: StartNotifications, producer: Producer, mailbox: RunningMailbox
) -> None:
    # The service's own dispatcher looks once at start-up, then not for an hour.
    async with start_notifications(NOTIFICATIONS_DISPATCH_INTERVAL_SECONDS="3600") as service:
        users = [registered() for _ in range(MESSAGES)]
        await producer.publish(*users)
        await eventually(
            lambda: rows(service, "SELECT id FROM notifications WHERE status = 'QUEUED'"),
            lambda found: len(found) == MESSAGES,
            what="the welcome e-mails queued",
        )
        assert service.state.sessionmaker is not None
        settings = NotificationsSettings(smtp_url=mailbox.smtp_url)
        dispatchers = [
            Dispatcher(
                service.state.sessionmaker,
                mailer=SmtpMailer(settings),
                sms=ConsoleSmsProvider(),
                retry=RetryPolicy(attempts=3, initial_seconds=0.05, max_seconds=0.1),
                batch=MESSAGES,
            )
            for _ in range(3)
        ]

        tried = await asyncio.gather(*(d.dispatch_due() for d in dispatchers))
        emails = await wait_settled(service, MESSAGES, where="channel = 'EMAIL'")

    assert sum(tried) == MESSAGES
    assert sum(1 for count in tried if count) >= 2  # they did race
    assert {(m["status"], m["attempts"]) for m in emails} == {("SENT", 1)}
    received = await mailbox_messages(mailbox)
    assert sorted(m["to"][0] for m in received) == sorted(u.email for u in users)
