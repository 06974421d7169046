"""Keyset ("seek") conditions for cursor pagination over mixed sort directions."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, or_
from sqlalchemy.sql.elements import UnaryExpression

from shared.validation import parse_uuid

SelectT = TypeVar("SelectT", bound=Select[Any])


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


def uuid_value(value: Any) -> uuid.UUID:
    """A cursor's id; ValueError when it is not one."""
    parsed = parse_uuid(value)
    if parsed is None:
        raise ValueError("not an id")
    return parsed


def datetime_value(value: Any) -> datetime:
    return datetime.fromisoformat(str(value))


def newest_first(created_at: ColumnElement[Any], id: ColumnElement[Any]) -> list[SortColumn]:
    """The keyset of a newest-first listing: creation time, then the id for a total order.

    Serve it with an index on (created_at, id).
    """
    return [
        SortColumn(created_at, descending=True, parse=datetime_value),
        SortColumn(id, descending=True, parse=uuid_value),
    ]


def newest_first_key(created_at: datetime, id: uuid.UUID) -> list[Any]:
    """A row's key in a `newest_first` listing, as its cursor stores it."""
    return [created_at.isoformat(), str(id)]


def keyset_page(
    statement: SelectT, columns: Sequence[SortColumn], after_key: Sequence[Any] | None, limit: int
) -> SelectT:
    """`statement` ordered by `columns`, from after `after_key`, `limit` rows;
    ValueError when `after_key` does not fit `columns`."""
    if after_key is not None:
        statement = statement.where(after(columns, parse_key(columns, after_key)))
    return statement.order_by(*(column.order_by() for column in columns)).limit(limit)
