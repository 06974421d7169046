"""GraphQL types of the notifications service, built explicitly from rows.

A user's messages and preferences are that user's and the admins' to see:
anyone else asking for them through a User gets FORBIDDEN.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from shared.db.keyset import parse_key
from shared.graphql.context import RequestContext
from shared.graphql.cost import PAGE
from shared.graphql.errors import bad_user_input, forbidden
from shared.graphql.ids import try_parse_id
from shared.graphql.pagination import Connection, build_connection, decode_cursor, page_size
from subgraphs.notifications import repository
from subgraphs.notifications.graphql.loaders import (
    notification_count_loader,
    notification_pages_loader,
    preferences_by_user_id_loader,
)
from subgraphs.notifications.models import NotificationRow
from subgraphs.notifications.service import Preferences

NotificationsInfo = Info[RequestContext, None]


@strawberry.enum
class Channel(Enum):
    EMAIL = "EMAIL"
    SMS = "SMS"


@strawberry.enum
class DeliveryStatus(Enum):
    QUEUED = "QUEUED"
    SENT = "SENT"
    FAILED = "FAILED"
    SKIPPED = "SKIPPED"


def ensure_can_see_notifications_of(info: NotificationsInfo, user_id: str) -> None:
    principal = info.context.require_user()
    if principal.user_id != user_id and not principal.is_admin:
        raise forbidden("You can only see your own notifications.")


@strawberry.type(description="A message sent (or not) to a user, by e-mail or SMS.")
class Notification:
    id: strawberry.ID
    channel: Channel
    kind: str = strawberry.field(description="WELCOME, ORDER_CONFIRMED, ORDER_SHIPPED, …")
    recipient: str = strawberry.field(
        description="The e-mail address or phone number; empty when there was none to use."
    )
    subject: str | None = strawberry.field(description="E-mails only.")
    body: str
    status: DeliveryStatus
    created_at: datetime
    sent_at: datetime | None

    @classmethod
    def from_row(cls, row: NotificationRow) -> Notification:
        return cls(
            id=strawberry.ID(str(row.id)),
            channel=Channel(row.channel),
            kind=row.kind,
            recipient=row.recipient,
            subject=row.subject,
            body=row.body,
            status=DeliveryStatus(row.status),
            created_at=row.created_at,
            sent_at=row.sent_at,
        )


@strawberry.type
class NotificationPreferences:
    email: bool
    sms: bool
    phone: str | None = strawberry.field(description="E.164, such as +14155550123.")

    @classmethod
    def of(cls, preferences: Preferences) -> NotificationPreferences:
        return cls(email=preferences.email, sms=preferences.sms, phone=preferences.phone)


def _after_key(after: str | None) -> tuple[object, ...] | None:
    if after is None:
        return None
    try:
        return tuple(parse_key(repository.NEWEST_FIRST, decode_cursor(after, 1)))
    except ValueError:
        raise bad_user_input("`after` is not a valid cursor.", argument="after") from None


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, info: NotificationsInfo, id: str) -> User:
        ensure_can_see_notifications_of(info, id)
        return cls(id=strawberry.ID(id))

    @strawberry.field(
        description="(user: own) (admin) The user's messages, newest first.", directives=[PAGE]
    )
    async def notifications(
        self, info: NotificationsInfo, first: int | None = 20, after: str | None = None
    ) -> Connection[Notification]:
        ensure_can_see_notifications_of(info, str(self.id))
        size = page_size(first)
        key = _after_key(after)
        user_id = try_parse_id(self.id)
        rows: list[NotificationRow] = []
        if user_id is not None and size > 0:
            rows = await info.context.loader(notification_pages_loader).load(
                (user_id, size + 1, key)
            )

        async def count() -> int:
            if user_id is None:
                return 0
            total: int = await info.context.loader(notification_count_loader).load(user_id)
            return total

        return build_connection(
            rows,
            size=size,
            to_node=Notification.from_row,
            sort_key=repository.sort_key,
            has_previous=after is not None,
            count_total=count,
        )

    @strawberry.field(description="(user: own) (admin) How the user wants to be told.")
    async def notification_preferences(self, info: NotificationsInfo) -> NotificationPreferences:
        ensure_can_see_notifications_of(info, str(self.id))
        user_id = try_parse_id(self.id)
        row = None
        if user_id is not None:
            row = await info.context.loader(preferences_by_user_id_loader).load(user_id)
        return NotificationPreferences.of(Preferences.of(row))
