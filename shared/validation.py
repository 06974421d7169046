"""Input rules every service shares: one text rule, ids, and a collector of problems.

A service's checks build on `Checks`, which gathers every problem of one input so
the caller sees them all at once (`ValidationFailed`), each naming its field as
the GraphQL input spells it:

    checks = Checks()
    name = checks.text(raw_name, 200, "name")
    parent = checks.reference(raw_parent, "parentId")
    checks.done()  # raises ValidationFailed when anything failed

The text rule: control characters (NUL above all, which Postgres refuses in
text) have no place in a line of text; prose (descriptions) keeps tabs and line
breaks. A look-up argument that breaks the rule finds nothing (`lookup_text`),
an input that breaks it is INVALID_INPUT.
"""

from __future__ import annotations

import re
import uuid

from shared.errors import DomainError, ValidationFailed, invalid_input

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Tab, line feed and carriage return are the layout of prose, not noise.
_CONTROL_IN_PROSE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(value: str, *, prose: bool = False) -> bool:
    return bool((_CONTROL_IN_PROSE if prose else _CONTROL).search(value))


def lookup_text(value: str) -> str | None:
    """The value to look up, or None when nothing stored can match it (it holds
    control characters, which no stored value does)."""
    return None if has_control_characters(value) else value


def parse_uuid(value: object) -> uuid.UUID | None:
    """The UUID a string spells, or None: the one parser of ids from outside."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def input_id(value: object, *path: str) -> uuid.UUID:
    """The id of an input, or INVALID_INPUT naming its field."""
    parsed = parse_uuid(value)
    if parsed is None:
        raise invalid_input(f"`{path[-1]}` is not a valid ID.", *path)
    return parsed


class Checks:
    """Collects problems; `done()` raises them together."""

    def __init__(self) -> None:
        self.problems: list[DomainError] = []

    def fail(self, message: str, *path: str) -> None:
        self.problems.append(invalid_input(message, *path))

    def failed(self, *path: str) -> bool:
        """Whether a problem was already found on this field."""
        return any(problem.field == list(path) for problem in self.problems)

    def done(self) -> None:
        if self.problems:
            raise ValidationFailed(self.problems)

    def text(
        self,
        value: str,
        max_length: int,
        *path: str,
        min_length: int = 1,
        prose: bool = False,
    ) -> str:
        """Trimmed text of `min_length` to `max_length` characters, without control
        characters (tabs and line breaks allowed in `prose`)."""
        cleaned = value.strip()
        if not min_length <= len(cleaned) <= max_length or has_control_characters(
            cleaned, prose=prose
        ):
            self.fail(
                f"`{path[-1]}` must be {min_length} to {max_length} characters, "
                "without control characters.",
                *path,
            )
        return cleaned

    def optional_text(self, value: str | None, max_length: int, *path: str) -> str | None:
        """Trimmed; blank becomes None."""
        if value is None or not value.strip():
            return None
        return self.text(value, max_length, *path)

    def matches(
        self, value: str | None, pattern: re.Pattern[str], message: str, *path: str
    ) -> None:
        """A format rule, checked only where the value passed the rules before it."""
        if value is not None and not self.failed(*path) and not pattern.match(value):
            self.fail(message, *path)

    def reference(self, value: object, *path: str) -> uuid.UUID | None:
        """The id, or None with a problem recorded."""
        parsed = parse_uuid(value)
        if parsed is None:
            self.fail(f"`{path[-1]}` is not a valid ID.", *path)
        return parsed

    def within(self, value: int, low: int, high: int, *path: str) -> int:
        if not low <= value <= high:
            self.fail(f"`{path[-1]}` must be between {low} and {high}.", *path)
        return value
