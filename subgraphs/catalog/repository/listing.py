"""Listing active products: filters, full-text search, and keyset pages for every sort."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    false,
    func,
    literal,
    literal_column,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.db.keyset import (
    SortColumn,
    after,
    datetime_value,
    newest_first,
    parse_key,
    uuid_value,
)
from subgraphs.catalog.models import FULL_DOCUMENT, NAME_DOCUMENT, ProductRow
from subgraphs.catalog.repository.categories import subtree_ids
from subgraphs.catalog.repository.views import PRODUCT_COLUMNS, WIDTH, ProductView, product_view
from subgraphs.catalog.search import search_query, search_terms


class ProductOrder(Enum):
    RELEVANCE = "RELEVANCE"
    NEWEST = "NEWEST"
    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"
    NAME_ASC = "NAME_ASC"


@dataclass(frozen=True, slots=True)
class ProductQuery:
    search: str | None = None
    category_ids: Sequence[uuid.UUID] | None = None
    # A category and all below it, looked up inside the listing's own statement.
    category_subtree: uuid.UUID | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool | None = None
    order: ProductOrder = ProductOrder.NEWEST


def _filtered(query: ProductQuery) -> list[ColumnElement[bool]]:
    """Every condition of the listing but the search, once per statement: the
    category subtree is a CTE that both halves of a relevance page share."""
    # Archived products never appear in lists or search; they still resolve by id.
    # Plain `active`, not `active IS TRUE`: the partial indexes are `WHERE active`,
    # and the planner only matches the predicate as written.
    conditions: list[ColumnElement[bool]] = [ProductRow.active.expression]
    if query.category_ids is not None:
        conditions.append(ProductRow.category_id.in_(query.category_ids))
    if query.category_subtree is not None:
        conditions.append(ProductRow.category_id.in_(subtree_ids(query.category_subtree)))
    if query.min_price is not None:
        conditions.append(ProductRow.price >= query.min_price)
    if query.max_price is not None:
        conditions.append(ProductRow.price <= query.max_price)
    if query.in_stock is True:
        conditions.append(ProductRow.stock_on_hand > ProductRow.stock_reserved)
    elif query.in_stock is False:
        conditions.append(ProductRow.stock_on_hand <= ProductRow.stock_reserved)
    return conditions


def _matching(tsquery: ColumnElement[Any] | None) -> list[ColumnElement[bool]]:
    return [] if tsquery is None else [FULL_DOCUMENT.op("@@")(tsquery)]


def sort_columns(order: ProductOrder) -> list[SortColumn]:
    """The keyset for an order without a search, always ending with the unique id.

    Each keyset runs in one direction throughout, so that "after this cursor"
    is a single row comparison the matching index can seek to.
    """
    product_id = ProductRow.id.expression
    if order is ProductOrder.PRICE_ASC:
        return [
            SortColumn(ProductRow.price.expression, False, _decimal),
            SortColumn(product_id, False, uuid_value),
        ]
    if order is ProductOrder.PRICE_DESC:
        return [
            SortColumn(ProductRow.price.expression, True, _decimal),
            SortColumn(product_id, True, uuid_value),
        ]
    if order is ProductOrder.NAME_ASC:
        return [
            SortColumn(ProductRow.name.expression, False, str),
            SortColumn(product_id, False, uuid_value),
        ]
    # NEWEST, and RELEVANCE without a search (nothing to rank by).
    return newest_first(ProductRow.created_at.expression, product_id)


def cursor_length(query: ProductQuery) -> int:
    """How many values a cursor of this listing holds."""
    if query.order is ProductOrder.RELEVANCE and search_terms(query.search or ""):
        return len(RELEVANCE_KEY)
    return len(sort_columns(query.order))


def _decimal(value: Any) -> Decimal:
    parsed = Decimal(str(value))
    if not parsed.is_finite():
        raise ArithmeticError("not a price")
    return parsed


def _tier(value: Any) -> int:
    if value not in (IN_NAME, ELSEWHERE) or isinstance(value, bool):
        raise ValueError("not a tier")
    return int(value)


def _seek(columns: Sequence[SortColumn], key: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after `key`: `(a, b) > (x, y)` when all columns share a direction."""
    directions = {sort.descending for sort in columns}
    if len(directions) != 1:
        return after(columns, key)
    left = tuple_(*(sort.column for sort in columns))
    right = tuple_(*key)
    return left < right if directions.pop() else left > right


# A relevance page's key: where the words matched, then newest first, then the id.
IN_NAME, ELSEWHERE = 1, 0
RELEVANCE_KEY = [
    SortColumn(literal_column("k0"), True, _tier),
    SortColumn(literal_column("k1"), True, datetime_value),
    SortColumn(literal_column("k2"), True, uuid_value),
]


def _relevance_page(
    query: ProductQuery, tsquery: ColumnElement[Any], limit: int, after_key: Sequence[Any] | None
) -> Select[Any]:
    """Products whose name or SKU holds every word, then those that match only
    with their description; newest first within each.

    Ranking reads every match, and a common word matches thousands, while within
    the name matches `ts_rank_cd` only told names apart by their length (10,529
    names with "navy" had 4 distinct ranks). Each half is its own ordered,
    limited scan, and the description half runs only when the name matches do
    not fill the page; otherwise a word in every name and description would
    read all its matches twice.
    """
    conditions = _filtered(query)
    in_name = NAME_DOCUMENT.op("@@")(tsquery)
    newest = sort_columns(ProductOrder.NEWEST)
    created_at, product_id = (sort.column for sort in newest)

    def tier(value: int, *matching: ColumnElement[bool]) -> Select[Any]:
        # Keys only: thousands of matches may be sorted, and only the page's rows
        # are read whole, by id.
        keys: list[ColumnElement[Any]] = [
            literal(value).label("k0"),
            created_at.label("k1"),
            product_id.label("k2"),
        ]
        return select(*keys).where(*conditions, *matching)

    names = tier(IN_NAME, in_name)
    # The name matches are excluded by id (a hash of the few there are when this
    # half runs for a first page): testing each row would build its name vector.
    name_ids = select(ProductRow.id).where(ProductRow.active.expression, in_name)
    elsewhere = tier(ELSEWHERE, *_matching(tsquery), ProductRow.id.not_in(name_ids))
    if after_key is not None:
        after_tier, *after_newest = parse_key(RELEVANCE_KEY, after_key)
        seek = _seek(newest, after_newest)
        if after_tier == IN_NAME:
            names = names.where(seek)
        else:
            names, elsewhere = names.where(false()), elsewhere.where(seek)
    newest_order = [sort.order_by() for sort in newest]
    named = names.order_by(*newest_order).limit(limit).cte("name_matches")
    page_full = select(func.count()).select_from(named).scalar_subquery() >= limit
    rest = elsewhere.where(~page_full).order_by(*newest_order).limit(limit)
    page = (
        union_all(select(*named.c), rest)
        .order_by(*(key.order_by() for key in RELEVANCE_KEY))
        .limit(limit)
        .subquery("page")
    )
    keys = (page.c.k0, page.c.k1, page.c.k2)
    return (
        select(*PRODUCT_COLUMNS, *keys)
        .join_from(ProductRow, page, product_id == page.c.k2)
        .order_by(*(key.desc() for key in keys))
    )


def page_statement(query: ProductQuery, limit: int, after_key: Sequence[Any] | None) -> Select[Any]:
    """The SELECT of one page: each product's columns, then its sort key columns.

    ValueError when `after_key` does not fit this listing's keyset.
    """
    tsquery = search_query(query.search)
    if query.order is ProductOrder.RELEVANCE and tsquery is not None:
        return _relevance_page(query, tsquery, limit, after_key)
    columns = sort_columns(query.order)
    key_columns = [sort.column.label(f"k{i}") for i, sort in enumerate(columns)]
    statement: Select[Any] = select(*PRODUCT_COLUMNS, *key_columns).where(
        *_filtered(query), *_matching(tsquery)
    )
    if after_key is not None:
        statement = statement.where(_seek(columns, parse_key(columns, after_key)))
    return statement.order_by(*(sort.order_by() for sort in columns)).limit(limit)


def count_statement(query: ProductQuery) -> Select[Any]:
    tsquery = search_query(query.search)
    return (
        select(func.count()).select_from(ProductRow).where(*_filtered(query), *_matching(tsquery))
    )


async def list_products(
    connection: AsyncConnection, query: ProductQuery, limit: int, after_key: Sequence[Any] | None
) -> list[tuple[ProductView, list[Any]]]:
    """One page of products with each row's sort key (for its cursor)."""
    result = await connection.execute(page_statement(query, limit, after_key))
    return [(product_view(row), list(row[WIDTH:])) for row in result]


async def count_products(connection: AsyncConnection, query: ProductQuery) -> int:
    return int(await connection.scalar(count_statement(query)) or 0)
