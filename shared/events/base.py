"""Event types are classes: the payload is typed, the type name is fixed per class."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.db.base import utcnow


class Event(BaseModel):
    """Base of every event payload; subclasses set `type` and their fields.

    class UserRegistered(Event):
        type: ClassVar[str] = "UserRegistered"
        user_id: uuid.UUID
        email: str
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: ClassVar[str]

    def aggregate_id(self) -> str:
        """The entity the event is about; events of one aggregate keep their order."""
        raise NotImplementedError


class EventEnvelope(BaseModel):
    """What travels on the stream: the payload with its identity and context."""

    model_config = ConfigDict(frozen=True)

    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: str
    source: str
    aggregate_id: str
    occurred_at: datetime = Field(default_factory=utcnow)
    data: dict[str, Any]
    trace: dict[str, str] = Field(default_factory=dict)
