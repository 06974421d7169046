"""The notifications service app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import FastAPI

from shared.app import ServiceDefinition, ServiceState, create_service_app
from subgraphs.notifications.dispatching import dispatching
from subgraphs.notifications.events import notifications_consumer
from subgraphs.notifications.graphql.schema import schema
from subgraphs.notifications.service import NotificationsServices
from subgraphs.notifications.service.sending import SmtpMailer, sms_provider
from subgraphs.notifications.settings import notifications_settings


@asynccontextmanager
async def notifications_parts(state: ServiceState[Any]) -> AsyncIterator[NotificationsServices]:
    assert state.sessionmaker is not None
    settings = notifications_settings()
    sms = sms_provider(settings)
    try:
        yield NotificationsServices.build(
            state.sessionmaker, settings, mailer=SmtpMailer(settings), sms=sms
        )
    finally:
        await sms.aclose()


def dispatcher(services: NotificationsServices) -> AbstractAsyncContextManager[None]:
    settings = notifications_settings()
    return dispatching(
        services.dispatcher,
        interval_seconds=settings.dispatch_interval_seconds,
        batch=settings.dispatch_batch,
    )


def create_app() -> FastAPI:
    return create_service_app(
        ServiceDefinition(
            name="notifications",
            schema=schema,
            settings=notifications_settings(),
            parts=notifications_parts,
            consumers=lambda services: [notifications_consumer(services.recorder)],
            background=[dispatcher],
        )
    )
