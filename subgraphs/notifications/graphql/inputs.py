"""Mutation inputs."""

from __future__ import annotations

import strawberry


@strawberry.input(description='Leave a field out to keep it; `phone: null` or `""` removes it.')
class NotificationPreferencesInput:
    email: bool | None = None
    sms: bool | None = None
    phone: str | None = strawberry.UNSET
