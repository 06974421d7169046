"""Turning what a shopper typed into a Postgres tsquery.

Words are reduced to letters and digits (no tsquery syntax from users), all must
match, and the last word matches as a prefix so results appear while typing.
Each word matches in its stemmed English form or as typed (SKUs, half-typed
words); whole English stop words are dropped, so "the tent" finds tents.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_WORDS = 12


def search_terms(search: str) -> list[str]:
    """`"Blue runn"` → `["blue", "runn:*"]`; empty when nothing searchable remains."""
    words = [word.lower() for word in _WORD.findall(search)][:MAX_WORDS]
    if words:
        words[-1] = f"{words[-1]}:*"
    return words


def _term_query(term: str) -> ColumnElement[Any]:
    english = func.to_tsquery("english", term)
    as_typed = func.to_tsquery("simple", term)
    either = english.op("||")(as_typed)
    # Where the stemmed form matches whatever the as-typed one does ("black",
    # or "light:*" for "lights:*"), it alone is the query: the same matches,
    # and one index look-up and one test per row fewer.
    covers_as_typed = and_(
        func.numnode(as_typed) == 1,
        func.to_tsvector("simple", term.removesuffix(":*")).op("@@")(english),
    )
    if term.endswith(":*"):
        # Half-typed: "s" or "the" may be the start of "shoe" or "thermos", so a
        # prefix that happens to be a stop word still matches as typed.
        return case((covers_as_typed, english), else_=either)
    # A whole English stop word yields an empty query, which `&&` ignores: keep
    # it empty rather than let the unstemmed form demand the word be present.
    return case(
        (func.numnode(english) == 0, english),
        (covers_as_typed, english),
        else_=either,
    )


def search_query(search: str | None) -> ColumnElement[Any] | None:
    """The tsquery for `search` as a scalar subquery, or None when there is nothing
    to search for.

    A subquery is evaluated once per statement (an InitPlan), so no condition
    rebuilds the query for every row, whichever plan the server caches, and the
    GIN index condition sees a single value.
    """
    terms = search_terms(search) if search else []
    if not terms:
        return None
    combined = _term_query(terms[0])
    for term in terms[1:]:
        combined = combined.op("&&")(_term_query(term))
    return select(combined).scalar_subquery()
