"""Turning what a shopper typed into a Postgres tsquery.

Words are reduced to letters and digits (no tsquery syntax from users), all must
match, and the last word matches as a prefix so results appear while typing.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_WORDS = 12


def to_tsquery_text(search: str) -> str | None:
    """`"Blue runn"` → `"blue & runn:*"`; None when nothing searchable remains."""
    words = [word.lower() for word in _WORD.findall(search)][:MAX_WORDS]
    if not words:
        return None
    words[-1] = f"{words[-1]}:*"
    return " & ".join(words)
