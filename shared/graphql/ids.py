"""IDs are UUID strings; a malformed one is the caller's fault."""

from __future__ import annotations

import uuid

from shared.graphql.errors import bad_user_input
from shared.validation import parse_uuid


def parse_id(value: str, argument: str = "id") -> uuid.UUID:
    parsed = parse_uuid(value)
    if parsed is None:
        raise bad_user_input(f"`{argument}` is not a valid ID.", argument=argument)
    return parsed


def try_parse_id(value: str) -> uuid.UUID | None:
    """For entity references and look-ups where a bad id simply finds nothing."""
    return parse_uuid(value)
