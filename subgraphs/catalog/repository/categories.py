"""Reading and writing the category tree."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.catalog.models import CategoryRow

# Serialises changes to the tree's shape, so two concurrent moves cannot each
# pass the cycle check and together close a loop. An arbitrary fixed key.
TREE_LOCK_KEY = 0x6361_7465_676F_7279  # "category"


async def categories_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[CategoryRow]:
    return list(await session.scalars(select(CategoryRow).where(CategoryRow.id.in_(ids))))


async def category_by_slug(session: AsyncSession, slug: str) -> CategoryRow | None:
    return await session.scalar(select(CategoryRow).where(CategoryRow.slug == slug))


async def category_by_id(session: AsyncSession, category_id: uuid.UUID) -> CategoryRow | None:
    return await session.get(CategoryRow, category_id)


async def slug_taken(session: AsyncSession, slug: str, exclude: uuid.UUID | None = None) -> bool:
    statement = select(CategoryRow.id).where(CategoryRow.slug == slug)
    if exclude is not None:
        statement = statement.where(CategoryRow.id != exclude)
    return await session.scalar(statement.limit(1)) is not None


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


def subtree_ids(root: uuid.UUID) -> Select[tuple[uuid.UUID]]:
    """SELECT of the category and every category below it (a recursive CTE), to be
    run alone or folded into another statement as a subquery."""
    tree = select(CategoryRow.id).where(CategoryRow.id == root).cte("tree", recursive=True)
    tree = tree.union_all(select(CategoryRow.id).where(CategoryRow.parent_id == tree.c.id))
    return select(tree.c.id)


async def category_with_descendants(session: AsyncSession, root: uuid.UUID) -> list[uuid.UUID]:
    """The category and every category below it (one statement)."""
    return list(await session.scalars(subtree_ids(root)))


async def lock_tree(session: AsyncSession) -> None:
    """Hold the tree lock until the transaction ends."""
    await session.execute(select(func.pg_advisory_xact_lock(TREE_LOCK_KEY)))


async def insert_category(session: AsyncSession, **values: Any) -> CategoryRow:
    row = CategoryRow(**values)
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return row
