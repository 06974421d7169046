"""updateNotificationPreferences (user)."""

from __future__ import annotations

import strawberry

from shared.errors import DomainError
from shared.graphql.errors import unauthenticated, user_errors
from shared.graphql.ids import try_parse_id
from subgraphs.notifications.graphql.inputs import NotificationPreferencesInput
from subgraphs.notifications.graphql.payloads import NotificationPreferencesPayload
from subgraphs.notifications.graphql.types import NotificationPreferences, NotificationsInfo
from subgraphs.notifications.service import NotificationsServices, PreferenceChanges


def _changes(input: NotificationPreferencesInput) -> PreferenceChanges:
    phone = input.phone
    if phone is strawberry.UNSET:
        return PreferenceChanges(email=input.email, sms=input.sms)
    return PreferenceChanges(
        email=input.email, sms=input.sms, phone=phone, clear_phone=phone is None
    )


@strawberry.type
class PreferenceMutations:
    @strawberry.mutation(
        description="(user) Choose how you are told: e-mail, SMS and the phone to text "
        "(E.164; a number with its country code). userErrors: INVALID_INPUT (a phone that "
        "is not a number; SMS on without a phone)."
    )
    async def update_notification_preferences(
        self, info: NotificationsInfo, input: NotificationPreferencesInput
    ) -> NotificationPreferencesPayload:
        principal = info.context.require_user()
        user_id = try_parse_id(principal.user_id or "")
        if user_id is None:
            raise unauthenticated("The access token does not name a user.")
        service = info.context.parts_as(NotificationsServices).preferences
        try:
            preferences = await service.update(user_id, _changes(input))
        except DomainError as error:
            return NotificationPreferencesPayload(user_errors=user_errors(error))
        return NotificationPreferencesPayload(preferences=NotificationPreferences.of(preferences))
