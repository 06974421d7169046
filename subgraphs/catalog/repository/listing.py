"""Listing active products: filters, full-text search, and keyset pages for every sort."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.db.keyset import SortColumn, after, newest_first, parse_key, uuid_value
from subgraphs.catalog.models import ProductRow
from subgraphs.catalog.repository.categories import subtree_ids
from subgraphs.catalog.repository.views import PRODUCT_COLUMNS, WIDTH, ProductView, product_view
from subgraphs.catalog.search import search_query


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


def _filtered(query: ProductQuery, tsquery: ColumnElement[Any] | None) -> list[ColumnElement[bool]]:
    # Archived products never appear in lists or search; they still resolve by id.
    # Plain `active`, not `active IS TRUE`: the partial indexes are `WHERE active`,
    # and the planner only matches the predicate as written.
    conditions: list[ColumnElement[bool]] = [ProductRow.active.expression]
    if tsquery is not None:
        conditions.append(ProductRow.search_vector.op("@@")(tsquery))
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


def sort_columns(order: ProductOrder, rank: ColumnElement[Any] | None) -> list[SortColumn]:
    """The keyset for an order, always ending with the unique id.

    Each keyset runs in one direction throughout, so that "after this cursor"
    is a single row comparison the matching index can seek to.
    """
    product_id = ProductRow.id.expression
    if order is ProductOrder.RELEVANCE and rank is not None:
        return [SortColumn(rank, True, float), SortColumn(product_id, True, uuid_value)]
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


def _decimal(value: Any) -> Decimal:
    parsed = Decimal(str(value))
    if not parsed.is_finite():
        raise ArithmeticError("not a price")
    return parsed


def _seek(columns: Sequence[SortColumn], key: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after `key`: `(a, b) > (x, y)` when all columns share a direction."""
    directions = {sort.descending for sort in columns}
    if len(directions) != 1:
        return after(columns, key)
    left = tuple_(*(sort.column for sort in columns))
    right = tuple_(*key)
    return left < right if directions.pop() else left > right


def _rank(tsquery: ColumnElement[Any] | None) -> ColumnElement[Any] | None:
    if tsquery is None:
        return None
    # Normalisation 1: divide by 1 + log(length), so a long description does not
    # outrank a short name that matches.
    return func.ts_rank_cd(ProductRow.search_vector, tsquery, 1)


def page_statement(query: ProductQuery, limit: int, after_key: Sequence[Any] | None) -> Select[Any]:
    """The SELECT of one page: each product's columns, then its sort key columns.

    ValueError when `after_key` does not fit this listing's keyset.
    """
    tsquery = search_query(query.search)
    rank = _rank(tsquery)
    columns = sort_columns(query.order, rank)
    key_columns = [sort.column.label(f"k{i}") for i, sort in enumerate(columns)]
    statement: Select[Any] = select(*PRODUCT_COLUMNS, *key_columns).where(
        *_filtered(query, tsquery)
    )
    if after_key is not None:
        statement = statement.where(_seek(columns, parse_key(columns, after_key)))
    return statement.order_by(*(sort.order_by() for sort in columns)).limit(limit)


def count_statement(query: ProductQuery) -> Select[Any]:
    tsquery = search_query(query.search)
    return select(func.count()).select_from(ProductRow).where(*_filtered(query, tsquery))


async def list_products(
    connection: AsyncConnection, query: ProductQuery, limit: int, after_key: Sequence[Any] | None
) -> list[tuple[ProductView, list[Any]]]:
    """One page of products with each row's sort key (for its cursor)."""
    result = await connection.execute(page_statement(query, limit, after_key))
    return [(product_view(row), list(row[WIDTH:])) for row in result]


async def count_products(connection: AsyncConnection, query: ProductQuery) -> int:
    return int(await connection.scalar(count_statement(query)) or 0)
