"""Reading and writing product rows."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.like import ESCAPE, escape_like
from subgraphs.catalog.models import ProductRow


async def product_by(session: AsyncSession, **criteria: Any) -> ProductRow | None:
    return await session.scalar(select(ProductRow).filter_by(**criteria))


async def lock_product(session: AsyncSession, product_id: uuid.UUID) -> ProductRow | None:
    """The product, locked until the transaction ends (stock and price changes)."""
    statement = (
        select(ProductRow)
        .where(ProductRow.id == product_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return await session.scalar(statement)


async def lock_products(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[ProductRow]:
    """Products locked in id order: every transaction that locks several products
    takes them in the same order, so two of them can never deadlock."""
    statement = (
        select(ProductRow)
        .where(ProductRow.id.in_(ids))
        .order_by(ProductRow.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(await session.scalars(statement))


async def taken_identifiers(
    session: AsyncSession, *, sku: str | None, slug: str | None, exclude: uuid.UUID | None = None
) -> tuple[bool, bool]:
    """Whether `sku` and `slug` are used by another product (one statement)."""
    clauses = []
    if sku is not None:
        clauses.append(ProductRow.sku == sku)
    if slug is not None:
        clauses.append(ProductRow.slug == slug)
    if not clauses:
        return False, False
    statement = select(ProductRow.sku, ProductRow.slug).where(or_(*clauses))
    if exclude is not None:
        statement = statement.where(ProductRow.id != exclude)
    rows = (await session.execute(statement)).all()
    return any(row.sku == sku for row in rows), any(row.slug == slug for row in rows)


async def slugs_like(session: AsyncSession, base: str) -> set[str]:
    """`base` and `base-<n>` slugs in use, to pick a free derived slug in one query."""
    pattern = escape_like(base) + "-%"
    statement = select(ProductRow.slug).where(
        or_(ProductRow.slug == base, ProductRow.slug.like(pattern, escape=ESCAPE))
    )
    return set(await session.scalars(statement))


# The first key of the two-key advisory locks on derived product slugs.
SLUG_LOCK_SPACE = 0x736C7567  # "slug"


async def lock_slug(session: AsyncSession, slug: str) -> None:
    """Hold a lock named by `slug` until the transaction ends."""
    await session.execute(select(func.pg_advisory_xact_lock(SLUG_LOCK_SPACE, func.hashtext(slug))))


async def insert_product(session: AsyncSession, **values: Any) -> ProductRow:
    row = ProductRow(**values)
    session.add(row)
    await session.flush()
    # Server-side defaults (timestamps, the search vector) are read back once.
    await session.refresh(row)
    return row
