"""All SQL of the catalog service."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.keyset import SortColumn, after, parse_key
from subgraphs.catalog.models import CategoryRow, ProductRow
from subgraphs.catalog.search import to_tsquery_text


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
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool | None = None
    order: ProductOrder = ProductOrder.NEWEST


def _search_query(search: str | None) -> ColumnElement[Any] | None:
    text = to_tsquery_text(search) if search else None
    if text is None:
        return None
    # English stems words ("running" finds "run"); 'simple' keeps SKUs whole.
    return func.to_tsquery("english", text).op("||")(func.to_tsquery("simple", text))


def _filtered(query: ProductQuery, tsquery: ColumnElement[Any] | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [ProductRow.active.is_(True)]
    if tsquery is not None:
        conditions.append(ProductRow.search_vector.op("@@")(tsquery))
    if query.category_ids is not None:
        conditions.append(ProductRow.category_id.in_(query.category_ids))
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
    """The keyset for an order, always ending with the unique id."""
    product_id = SortColumn(ProductRow.id, parse=_uuid)
    if order is ProductOrder.RELEVANCE and rank is not None:
        return [SortColumn(rank, descending=True, parse=float), product_id]
    if order is ProductOrder.PRICE_ASC:
        return [SortColumn(ProductRow.price, parse=_decimal), product_id]
    if order is ProductOrder.PRICE_DESC:
        return [
            SortColumn(ProductRow.price, True, _decimal),
            SortColumn(ProductRow.id, True, _uuid),
        ]
    if order is ProductOrder.NAME_ASC:
        return [SortColumn(ProductRow.name, parse=str), product_id]
    # NEWEST, and RELEVANCE without a search (nothing to rank by).
    return [
        SortColumn(ProductRow.created_at, True, _datetime),
        SortColumn(ProductRow.id, True, _uuid),
    ]


def _uuid(value: Any) -> uuid.UUID:
    return uuid.UUID(str(value))


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def _datetime(value: Any) -> datetime:
    return datetime.fromisoformat(str(value))


def _rank(tsquery: ColumnElement[Any] | None) -> ColumnElement[Any] | None:
    if tsquery is None:
        return None
    return func.ts_rank_cd(ProductRow.search_vector, tsquery, 1)


async def list_products(
    session: AsyncSession, query: ProductQuery, limit: int, after_key: Sequence[Any] | None
) -> list[tuple[ProductRow, list[Any]]]:
    """One page of products with each row's sort key (for its cursor)."""
    tsquery = _search_query(query.search)
    rank = _rank(tsquery)
    columns = sort_columns(query.order, rank)
    key_columns = [sort.column.label(f"k{i}") for i, sort in enumerate(columns)]
    statement: Select[Any] = select(ProductRow, *key_columns).where(*_filtered(query, tsquery))
    if after_key is not None:
        statement = statement.where(after(columns, parse_key(columns, after_key)))
    statement = statement.order_by(*(sort.order_by() for sort in columns)).limit(limit)
    result = await session.execute(statement)
    return [(row[0], list(row[1:])) for row in result.all()]


async def count_products(session: AsyncSession, query: ProductQuery) -> int:
    tsquery = _search_query(query.search)
    statement = select(func.count()).select_from(ProductRow).where(*_filtered(query, tsquery))
    return int(await session.scalar(statement) or 0)


async def products_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[ProductRow]:
    return list(await session.scalars(select(ProductRow).where(ProductRow.id.in_(ids))))


async def product_by(session: AsyncSession, **criteria: Any) -> ProductRow | None:
    return await session.scalar(select(ProductRow).filter_by(**criteria))


async def categories_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[CategoryRow]:
    return list(await session.scalars(select(CategoryRow).where(CategoryRow.id.in_(ids))))


async def category_by_slug(session: AsyncSession, slug: str) -> CategoryRow | None:
    return await session.scalar(select(CategoryRow).where(CategoryRow.slug == slug))


async def root_categories(session: AsyncSession) -> list[CategoryRow]:
    statement = (
        select(CategoryRow).where(CategoryRow.parent_id.is_(None)).order_by(CategoryRow.name)
    )
    return list(await session.scalars(statement))


async def children_of(session: AsyncSession, parent_ids: Sequence[uuid.UUID]) -> list[CategoryRow]:
    statement = (
        select(CategoryRow).where(CategoryRow.parent_id.in_(parent_ids)).order_by(CategoryRow.name)
    )
    return list(await session.scalars(statement))


async def category_with_descendants(session: AsyncSession, root: uuid.UUID) -> list[uuid.UUID]:
    """The category and every category below it (a recursive CTE, one statement)."""
    tree = select(CategoryRow.id).where(CategoryRow.id == root).cte("tree", recursive=True)
    tree = tree.union_all(select(CategoryRow.id).where(CategoryRow.parent_id == tree.c.id))
    return list(await session.scalars(select(tree.c.id)))
