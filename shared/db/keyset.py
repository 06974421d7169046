"""Keyset ("seek") conditions for cursor pagination over mixed sort directions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.sql.elements import UnaryExpression


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True, slots=True)
class SortColumn:
    column: ColumnElement[Any]
    descending: bool = False
    # Turns the JSON value stored in a cursor back into the column's type.
    parse: Callable[[Any], Any] = _same

    def order_by(self) -> UnaryExpression[Any]:
        return self.column.desc() if self.descending else self.column.asc()


def after(columns: Sequence[SortColumn], key: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after `key` in the order given by `columns`.

    Expands to (a > x) OR (a = x AND b > y) OR …, with `<` for descending
    columns; the last column must be unique (an id) so the order is total.
    """
    clauses: list[ColumnElement[bool]] = []
    for index, sort in enumerate(columns):
        equal_prefix = [columns[i].column == key[i] for i in range(index)]
        beyond = sort.column < key[index] if sort.descending else sort.column > key[index]
        clauses.append(and_(*equal_prefix, beyond))
    return or_(*clauses)


def parse_key(columns: Sequence[SortColumn], key: Sequence[Any]) -> list[Any]:
    """Typed values of a decoded cursor; ValueError when it does not fit `columns`."""
    if len(key) != len(columns):
        raise ValueError("cursor does not match this listing")
    try:
        return [sort.parse(value) for sort, value in zip(columns, key, strict=True)]
    except (TypeError, ArithmeticError) as exc:
        raise ValueError("cursor does not match this listing") from exc
