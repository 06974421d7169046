"""Relay connections with opaque keyset cursors.

A cursor holds the sort key of the row it points at (not an offset), so pages
stay correct while rows are inserted. `first` is capped by settings.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry

from shared.graphql.cost import weighing
from shared.graphql.errors import bad_user_input
from shared.settings import platform_settings

NodeT = TypeVar("NodeT")

COUNT_WEIGHT = 10


@strawberry.federation.type(shareable=True)
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
    count_total: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field
    def nodes(self) -> list[NodeT]:
        return [edge.node for edge in self.edges]

    @strawberry.field(
        description="Size of the whole filtered list, not just this page.",
        # A count of its own over the whole list, not a page's worth of rows.
        directives=[weighing(COUNT_WEIGHT)],
    )
    async def total_count(self) -> int:
        # Counted only when asked for: most pages never need it.
        return await self.count_total()


def page_size(first: int | None) -> int:
    settings = platform_settings()
    size = settings.default_page_size if first is None else first
    if size < 0:
        raise bad_user_input("`first` must not be negative.", argument="first")
    if size > settings.max_page_size:
        raise bad_user_input(f"`first` must be at most {settings.max_page_size}.", argument="first")
    return size


def encode_cursor(key: Sequence[Any]) -> str:
    raw = json.dumps(list(key), separators=(",", ":"), default=str)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, length: int) -> list[Any]:
    """The sort key inside `cursor`; BAD_USER_INPUT when it is not one of ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise bad_user_input("`after` is not a valid cursor.", argument="after") from exc
    if not isinstance(key, list) or len(key) != length:
        raise bad_user_input("`after` is not a valid cursor.", argument="after")
    return key


def build_connection(
    rows: Sequence[Any],
    *,
    size: int,
    to_node: Callable[[Any], NodeT],
    sort_key: Callable[[Any], Sequence[Any]],
    has_previous: bool,
    count_total: Callable[[], Awaitable[int]],
) -> Connection[NodeT]:
    """A connection from `rows` fetched with `LIMIT size + 1` (the extra row tells
    whether there is a next page)."""
    page = rows[:size]
    edges = [Edge(cursor=encode_cursor(sort_key(row)), node=to_node(row)) for row in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > size,
            has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count_total=count_total,
    )
