"""IDs are UUID strings; a malformed one is the caller's fault."""

from __future__ import annotations

import uuid

from shared.graphql.errors import bad_user_input


def parse_id(value: str, argument: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise bad_user_input(f"`{argument}` is not a valid ID.", argument=argument) from exc


def try_parse_id(value: str) -> uuid.UUID | None:
    """For entity references and look-ups where a bad id simply finds nothing."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
