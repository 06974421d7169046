"""How a message leaves: e-mail over SMTP, text messages through a provider.

Both raise `SendFailed` when a message did not go out, saying whether trying
again may help (a server away or busy) or cannot (a recipient refused).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib
import httpx

from subgraphs.notifications.settings import NotificationsSettings, SmsProviderKind

logger = logging.getLogger("minishop.notifications.sending")

PERMANENT_SMTP_CODES = range(500, 600)


class SendFailed(Exception):
    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


@dataclass(frozen=True, slots=True)
class OutgoingEmail:
    id: str  # stable across retries: the Message-ID, so receivers can drop repeats
    to: str
    subject: str
    body: str
    created_at: datetime
    kind: str


@dataclass(frozen=True, slots=True)
class OutgoingSms:
    id: str  # stable across retries: the provider's idempotency key
    to: str
    body: str


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    host: str
    port: int
    use_tls: bool
    start_tls: bool
    username: str | None
    password: str | None

    @classmethod
    def parse(cls, url: str) -> SmtpTarget:
        """`smtp://[user:pass@]host[:port][?starttls=true]`, or `smtps://` for TLS
        from the first byte (port 465 by default)."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("MINISHOP_SMTP_URL must look like smtp://host:port or smtps://host")
        implicit_tls = parts.scheme == "smtps"
        query = parse_qs(parts.query)
        start_tls = query.get("starttls", ["false"])[0].lower() in ("1", "true", "yes")
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if implicit_tls else 25),
            use_tls=implicit_tls,
            start_tls=start_tls and not implicit_tls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


class SmtpMailer:
    """Sends each e-mail in an SMTP conversation of its own (aiosmtplib)."""

    def __init__(self, settings: NotificationsSettings) -> None:
        self._target = SmtpTarget.parse(settings.smtp_url)
        self._timeout = settings.smtp_timeout_seconds
        self._sender = settings.mail_from
        self._domain = settings.message_id_domain

    def message(self, email: OutgoingEmail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = email.to
        message["Subject"] = email.subject
        message["Date"] = format_datetime(email.created_at)
        message["Message-ID"] = f"<{email.id}@{self._domain}>"
        message["X-MiniShop-Kind"] = email.kind
        message.set_content(email.body)
        return message

    async def send(self, email: OutgoingEmail) -> None:
        target = self._target
        try:
            await aiosmtplib.send(
                self.message(email),
                hostname=target.host,
                port=target.port,
                username=target.username,
                password=target.password,
                use_tls=target.use_tls,
                start_tls=target.start_tls,
                timeout=self._timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            codes = [refused.code for refused in error.recipients]
            permanent = all(code in PERMANENT_SMTP_CODES for code in codes)
            raise SendFailed(f"recipient refused ({codes})", permanent=permanent) from error
        except aiosmtplib.SMTPAuthenticationError as error:
            # The deployment's credentials, not the message: worth trying again.
            raise SendFailed(
                f"SMTP authentication failed ({error.code})", permanent=False
            ) from error
        except aiosmtplib.SMTPResponseException as error:
            permanent = error.code in PERMANENT_SMTP_CODES
            raise SendFailed(f"SMTP server answered {error.code}", permanent=permanent) from error
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise SendFailed(
                f"SMTP server unreachable: {type(error).__name__}", permanent=False
            ) from error


class SmsProvider(Protocol):
    """Where text messages go; `send` raises `SendFailed` when one did not."""

    async def send(self, sms: OutgoingSms) -> None: ...

    async def aclose(self) -> None: ...


class ConsoleSmsProvider:
    """Writes each text message to the log: for the local stack and the tests."""

    async def send(self, sms: OutgoingSms) -> None:
        logger.info("sms to %s: %s", sms.to, sms.body, extra={"notification_id": sms.id})

    async def aclose(self) -> None:
        return None


class HttpSmsProvider:
    """POSTs `{"id", "to", "body"}` as JSON to a gateway's URL.

    The message id travels as `Idempotency-Key` too, so a retry after a lost
    answer does not text the user twice with a gateway that honours it.
    """

    def __init__(self, url: str, *, token: str = "", timeout_seconds: float = 5.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError("NOTIFICATIONS_SMS_HTTP_URL must be an http(s) URL")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._url = url
        self._client = httpx.AsyncClient(timeout=timeout_seconds, headers=headers)

    async def send(self, sms: OutgoingSms) -> None:
        try:
            response = await self._client.post(
                self._url,
                json={"id": sms.id, "to": sms.to, "body": sms.body},
                headers={"Idempotency-Key": sms.id},
            )
        except httpx.HTTPError as error:
            raise SendFailed(
                f"SMS gateway unreachable: {type(error).__name__}", permanent=False
            ) from error
        status = response.status_code
        if 200 <= status < 300:
            return
        # 4xx is this message's fault (a number refused), except waits and limits.
        permanent = 400 <= status < 500 and status not in (408, 409, 425, 429)
        raise SendFailed(f"SMS gateway answered {status}", permanent=permanent)

    async def aclose(self) -> None:
        await self._client.aclose()


def sms_provider(settings: NotificationsSettings) -> SmsProvider:
    if settings.sms_provider is SmsProviderKind.HTTP:
        return HttpSmsProvider(
            settings.sms_http_url,
            token=settings.sms_http_token,
            timeout_seconds=settings.sms_timeout_seconds,
        )
    return ConsoleSmsProvider()
