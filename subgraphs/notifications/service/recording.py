"""Turning an event into its messages, inside the consumer's transaction.

Every event that warrants a message gets one row per channel: QUEUED for the
dispatcher, or SKIPPED when the user turned the channel off (an SMS also when
there is no phone to send it to). The rows are written in the transaction that
records the event as processed, and (event, channel) is unique: a consumer
that dies mid-batch leaves either both or neither, and a redelivery adds none.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.graphql.money import quantize
from subgraphs.notifications import repository
from subgraphs.notifications.models import Channel, DeliveryStatus, Kind, KnownOrderRow
from subgraphs.notifications.service.rendering import Renderer

DEFAULT_EMAIL = True
DEFAULT_SMS = False


def amount_text(amount: Decimal, currency: str) -> str:
    return f"{quantize(amount)} {currency}"


def order_values(order: KnownOrderRow | None) -> dict[str, str] | None:
    if order is None:
        return None
    return {"number": order.number, "total": amount_text(order.total, order.currency)}


class MessageRecorder:
    def __init__(self, renderer: Renderer) -> None:
        self._renderer = renderer

    async def record(
        self,
        session: AsyncSession,
        *,
        event_id: uuid.UUID,
        user_id: uuid.UUID,
        kind: Kind,
        values: Mapping[str, Any],
    ) -> int:
        """Write the event's messages (one per channel); how many were new."""
        contact = await repository.contact_of(session, user_id)
        preferences = await repository.preferences_of(session, user_id)
        email_on = preferences.email_enabled if preferences else DEFAULT_EMAIL
        sms_on = preferences.sms_enabled if preferences else DEFAULT_SMS
        phone = preferences.phone if preferences else None
        rendered = self._renderer.render(kind, {"name": contact.name if contact else "", **values})
        common = {"user_id": user_id, "event_id": event_id, "kind": kind.value}
        sms_queued = sms_on and phone is not None
        # The SMS first: the listing is newest first, so the e-mail, the fuller
        # of the two, comes before its text-message twin.
        return await repository.insert_messages(
            session,
            [
                {
                    **common,
                    "channel": Channel.SMS.value,
                    "recipient": phone or "",
                    "subject": None,
                    "body": rendered.sms_body,
                    "status": (
                        DeliveryStatus.QUEUED if sms_queued else DeliveryStatus.SKIPPED
                    ).value,
                },
                {
                    **common,
                    "channel": Channel.EMAIL.value,
                    # Empty while the contact is unknown (its event is on
                    # another stream): the dispatcher looks it up again.
                    "recipient": contact.email if contact else "",
                    "subject": rendered.subject,
                    "body": rendered.email_body,
                    "status": (DeliveryStatus.QUEUED if email_on else DeliveryStatus.SKIPPED).value,
                },
            ],
        )

    async def record_about_order(
        self,
        session: AsyncSession,
        *,
        event_id: uuid.UUID,
        user_id: uuid.UUID,
        order_id: uuid.UUID,
        kind: Kind,
        values: Mapping[str, Any],
    ) -> int:
        """A message naming an order this service may know (its number, total)."""
        order = order_values(await repository.order_of(session, order_id))
        return await self.record(
            session,
            event_id=event_id,
            user_id=user_id,
            kind=kind,
            values={"order": order, **values},
        )
