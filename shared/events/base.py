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
        producer: ClassVar[str] = "accounts"
        user_id: uuid.UUID
        email: str

    `producer` is the one service that records it: the event travels on that
    service's stream, which is where its consumers look for it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: ClassVar[str]
    producer: ClassVar[str]

    def aggregate_id(self) -> str:
        """The entity the event is about; events of one aggregate keep their order."""
        raise NotImplementedError

    @classmethod
    def check_declared(cls) -> None:
        """Raise TypeError unless the class names its type and producer."""
        for attribute in ("type", "producer"):
            if not isinstance(getattr(cls, attribute, None), str):
                raise TypeError(f"{cls.__name__} must set the class variable `{attribute}`")


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
