"""The events services exchange: one class each, shared by producer and consumers."""

from __future__ import annotations

import uuid
from typing import ClassVar

from shared.events.base import Event


class UserRegistered(Event):
    type: ClassVar[str] = "UserRegistered"
    user_id: uuid.UUID
    email: str
    name: str

    def aggregate_id(self) -> str:
        return str(self.user_id)


class PasswordChanged(Event):
    type: ClassVar[str] = "PasswordChanged"
    user_id: uuid.UUID

    def aggregate_id(self) -> str:
        return str(self.user_id)
