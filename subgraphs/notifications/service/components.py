"""The notifications service's parts, built once per app and kept on its state."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from subgraphs.notifications.service.dispatch import Dispatcher, Mailer, RetryPolicy
from subgraphs.notifications.service.preferences import PreferenceService
from subgraphs.notifications.service.recording import MessageRecorder
from subgraphs.notifications.service.rendering import Renderer
from subgraphs.notifications.service.sending import SmsProvider
from subgraphs.notifications.settings import NotificationsSettings


@dataclass(frozen=True, slots=True)
class NotificationsServices:
    preferences: PreferenceService
    recorder: MessageRecorder
    dispatcher: Dispatcher

    @classmethod
    def build(
        cls,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: NotificationsSettings,
        *,
        mailer: Mailer,
        sms: SmsProvider,
    ) -> NotificationsServices:
        return cls(
            preferences=PreferenceService(sessionmaker),
            recorder=MessageRecorder(Renderer()),
            dispatcher=Dispatcher(
                sessionmaker,
                mailer=mailer,
                sms=sms,
                retry=RetryPolicy(
                    attempts=settings.send_attempts,
                    initial_seconds=settings.backoff_initial_seconds,
                    max_seconds=settings.backoff_max_seconds,
                ),
                batch=settings.dispatch_batch,
            ),
        )
