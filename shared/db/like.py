"""LIKE patterns from what a user typed: its `%`, `_` and `\\` are plain characters."""

from __future__ import annotations

ESCAPE = "\\"


def escape_like(text: str) -> str:
    """`text` with LIKE's wildcards escaped; use with `escape=ESCAPE`.

    >>> escape_like("50%_off")
    '50\\\\%\\\\_off'
    """
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def containing(text: str) -> str:
    """A pattern matching values that contain `text`."""
    return f"%{escape_like(text)}%"
