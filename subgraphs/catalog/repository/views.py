"""Products as the graph reads them: plain values from SQLAlchemy Core, no ORM.

A read that changes nothing needs no identity map, instance state or change
tracking; building these from Core rows costs a fraction of loading ORM rows.
Writes keep `ProductRow`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Row, select
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.catalog.models import ProductRow


@dataclass(frozen=True, slots=True)
class ProductView:
    id: uuid.UUID
    sku: str
    slug: str
    name: str
    description: str
    price: Decimal
    category_id: uuid.UUID | None
    stock_on_hand: int
    stock_reserved: int
    active: bool
    created_by: uuid.UUID | None
    created_at: datetime
    updated_at: datetime

    @property
    def stock_available(self) -> int:
        return self.stock_on_hand - self.stock_reserved


# The columns in the order of ProductView's fields (the search vector never leaves SQL).
PRODUCT_COLUMNS: tuple[ColumnElement[Any], ...] = tuple(
    getattr(ProductRow, field.name).expression for field in fields(ProductView)
)
WIDTH = len(PRODUCT_COLUMNS)


def product_view(row: Row[Any]) -> ProductView:
    """The product in the first WIDTH columns of a row."""
    return ProductView(*row[:WIDTH])


async def product_views_by_ids(
    connection: AsyncConnection, ids: Sequence[uuid.UUID]
) -> list[ProductView]:
    """Active and archived alike: old orders and carts still point at archived ones."""
    result = await connection.execute(select(*PRODUCT_COLUMNS).where(ProductRow.id.in_(ids)))
    return [product_view(row) for row in result]


async def product_view_by(connection: AsyncConnection, **criteria: Any) -> ProductView | None:
    result = await connection.execute(select(*PRODUCT_COLUMNS).filter_by(**criteria))
    row = result.first()
    return product_view(row) if row is not None else None
