"""Notifications settings (env prefix `NOTIFICATIONS_`, the SMTP server `MINISHOP_SMTP_URL`)."""

from __future__ import annotations

from enum import StrEnum
from functools import cache

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class SmsProviderKind(StrEnum):
    CONSOLE = "console"  # writes each text to the log: the local stack and tests
    HTTP = "http"  # POSTs JSON to `sms_http_url`


class NotificationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="NOTIFICATIONS_", extra="ignore", populate_by_name=True
    )

    # One setting for every service of a deployment that sends mail, so it
    # carries the platform prefix (the local stack points it at its mailbox).
    smtp_url: str = Field(
        default="smtp://127.0.0.1:4025",
        validation_alias=AliasChoices("MINISHOP_SMTP_URL", "NOTIFICATIONS_SMTP_URL"),
    )
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    mail_from: str = "MiniShop <no-reply@minishop.local>"
    # The domain of each message's Message-ID (`<notification id>@domain`).
    message_id_domain: str = "minishop.local"

    sms_provider: SmsProviderKind = SmsProviderKind.CONSOLE
    sms_http_url: str = ""
    sms_http_token: str = ""
    sms_timeout_seconds: float = Field(default=5.0, gt=0)

    # The dispatcher: how often it looks for due messages, and how many it
    # takes per round (each is sent and marked in a transaction of its own).
    dispatch_interval_seconds: float = Field(default=1.0, gt=0)
    dispatch_batch: int = Field(default=50, ge=1, le=1000)
    # Sends per message before it is FAILED; the wait before retry n is
    # backoff_initial * 2^(n-1), at most backoff_max.
    send_attempts: int = Field(default=6, ge=1, le=50)
    backoff_initial_seconds: float = Field(default=2.0, ge=0)
    backoff_max_seconds: float = Field(default=600.0, ge=0)


@cache
def notifications_settings() -> NotificationsSettings:
    return NotificationsSettings()
