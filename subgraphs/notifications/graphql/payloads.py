"""Mutation payloads: the result, or the reasons in `userErrors` (then nothing was written)."""

from __future__ import annotations

import strawberry

from shared.graphql.errors import UserError
from subgraphs.notifications.graphql.types import NotificationPreferences


@strawberry.type
class NotificationPreferencesPayload:
    preferences: NotificationPreferences | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
