"""SQL statements counted per request: a context variable the engine's listener adds to."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


@dataclass(slots=True)
class StatementCount:
    count: int = 0


# Mutable on purpose: tasks started by the request copy the context, and
# their statements land in the same counter.
_current: ContextVar[StatementCount | None] = ContextVar("minishop_statements", default=None)


@contextmanager
def counting_statements() -> Iterator[StatementCount]:
    counter = StatementCount()
    token = _current.set(counter)
    try:
        yield counter
    finally:
        _current.reset(token)


def _count(*_: Any) -> None:
    counter = _current.get()
    if counter is not None:
        counter.count += 1


def count_statements(engine: Engine) -> None:
    """Add every statement `engine` runs to the current request's count."""
    event.listen(engine, "before_cursor_execute", _count)
