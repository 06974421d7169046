"""Notifications queries: a user's messages hang off `User` (see types.py)."""

from __future__ import annotations

import strawberry

from subgraphs.notifications.models import Kind


@strawberry.type
class Query:
    @strawberry.field(description="Every `Notification.kind` there is.")
    def notification_kinds(self) -> list[str]:
        return [kind.value for kind in Kind]
