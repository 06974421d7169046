"""Products: create, update and archive (admin commands), and look-ups for peers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.errors import DomainError, ValidationFailed, not_found
from shared.events import record_event
from shared.events.contracts import ProductArchived, ProductPriceChanged
from shared.settings import platform_settings
from shared.validation import parse_uuid
from subgraphs.catalog import repository
from subgraphs.catalog.models import ProductRow
from subgraphs.catalog.service import ledger
from subgraphs.catalog.service.errors import (
    sku_taken,
    slug_taken,
    violated_constraint,
)
from subgraphs.catalog.service.validation import KEEP, Checks
from subgraphs.catalog.slugs import MAX_SLUG_LENGTH, slugify


@dataclass(frozen=True, slots=True)
class NewProduct:
    sku: str
    name: str
    price: Decimal
    description: str = ""
    category_id: str | None = None
    slug: str | None = None
    initial_stock: int = 0


@dataclass(frozen=True, slots=True)
class ProductChanges:
    """`KEEP` leaves a field alone; `category_id=None` takes the product out of its category."""

    name: str = KEEP
    description: str = KEEP
    price: Decimal = KEEP
    category_id: str | None = KEEP
    slug: str = KEEP


def _identifier_error(error: IntegrityError) -> DomainError | None:
    """A unique violation lost to a concurrent writer, as the user error it means."""
    constraint = violated_constraint(error)
    if constraint == "uq_products_sku":
        return sku_taken()
    if constraint == "uq_products_slug":
        return slug_taken()
    if constraint == "fk_products_category_id_categories":
        return not_found("category", "categoryId")
    return None


async def _free_slug(session: AsyncSession, name: str) -> str:
    """The slug of `name`, with `-2`, `-3`… appended when products already use it.

    Creates deriving the same slug wait for each other (a lock held until
    commit), so concurrent products of one name get `x`, `x-2`, `x-3`… rather
    than colliding.
    """
    base = slugify(name)
    await repository.lock_slug(session, base)
    used = await repository.slugs_like(session, base)
    if base not in used:
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: MAX_SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
        if candidate not in used:
            return candidate
        number += 1


async def _check_category(
    session: AsyncSession, category_id: uuid.UUID | None, problems: list[DomainError]
) -> None:
    if category_id is not None and await repository.category_by_id(session, category_id) is None:
        problems.append(not_found("category", "categoryId"))


class ProductService:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._db = sessionmaker

    async def create(self, data: NewProduct, *, created_by: str | None) -> ProductRow:
        """Errors: INVALID_INPUT, SKU_TAKEN, SLUG_TAKEN, NOT_FOUND (categoryId)."""
        checks = Checks()
        sku = checks.sku(data.sku)
        name = checks.name(data.name)
        description = checks.description(data.description)
        price = checks.price(data.price)
        slug = checks.slug(data.slug) if data.slug is not None else None
        category_id = checks.reference(data.category_id, "categoryId") if data.category_id else None
        initial_stock = checks.stock(data.initial_stock, "initialStock")
        checks.done()
        values = {
            "sku": sku,
            "name": name,
            "description": description,
            "price": price,
            "category_id": category_id,
            "created_by": parse_uuid(created_by) if created_by else None,
        }
        try:
            return await self._create_once(values, slug, initial_stock, created_by)
        except IntegrityError as error:
            # Lost a race the checks above could not see: the unique index decided.
            if (problem := _identifier_error(error)) is not None:
                raise problem from error
            raise

    async def _create_once(
        self, values: dict[str, Any], slug: str | None, initial_stock: int, actor: str | None
    ) -> ProductRow:
        async with self._db.begin() as session:
            sku_used, slug_used = await repository.taken_identifiers(
                session, sku=values["sku"], slug=slug
            )
            problems: list[DomainError] = []
            if sku_used:
                problems.append(sku_taken())
            if slug_used:
                problems.append(slug_taken())
            await _check_category(session, values["category_id"], problems)
            if problems:
                raise ValidationFailed(problems)
            row = await repository.insert_product(
                session,
                id=uuid.uuid4(),
                slug=slug or await _free_slug(session, values["name"]),
                stock_on_hand=0,
                stock_reserved=0,
                active=True,
                **values,
            )
            if initial_stock:
                await ledger.apply(
                    session,
                    [ledger.StockChange(row, delta_on_hand=initial_stock)],
                    kind=ledger.MovementKind.INITIAL,
                    reason="initial stock",
                    actor=ledger.user_actor(actor or "unknown"),
                )
            return row

    async def update(self, product_id: str, changes: ProductChanges) -> ProductRow:
        """Errors: INVALID_INPUT, NOT_FOUND (id or categoryId), SLUG_TAKEN."""
        checks = Checks()
        parsed_id = checks.reference(product_id, "id")
        name = checks.name(changes.name) if changes.name is not KEEP else KEEP
        description = (
            checks.description(changes.description) if changes.description is not KEEP else KEEP
        )
        price = checks.price(changes.price) if changes.price is not KEEP else KEEP
        slug = checks.slug(changes.slug) if changes.slug is not KEEP else KEEP
        category_id: uuid.UUID | None = KEEP
        if changes.category_id is not KEEP:
            category_id = (
                checks.reference(changes.category_id, "categoryId") if changes.category_id else None
            )
        checks.done()
        assert parsed_id is not None
        try:
            async with self._db.begin() as session:
                row = await repository.lock_product(session, parsed_id)
                if row is None:
                    raise not_found("product", "id")
                problems: list[DomainError] = []
                if slug is not KEEP and slug != row.slug:
                    _, slug_used = await repository.taken_identifiers(
                        session, sku=None, slug=slug, exclude=row.id
                    )
                    if slug_used:
                        problems.append(slug_taken())
                if category_id is not KEEP:
                    await _check_category(session, category_id, problems)
                if problems:
                    raise ValidationFailed(problems)
                old_price = row.price
                for field, value in (
                    ("name", name),
                    ("description", description),
                    ("price", price),
                    ("slug", slug),
                    ("category_id", category_id),
                ):
                    if value is not KEEP:
                        setattr(row, field, value)
                await session.flush()
                if price is not KEEP and price != old_price:
                    await record_event(
                        session,
                        ProductPriceChanged(
                            product_id=row.id,
                            sku=row.sku,
                            old_price=old_price,
                            new_price=price,
                            currency=platform_settings().currency,
                        ),
                    )
                return row
        except IntegrityError as error:
            if (problem := _identifier_error(error)) is not None:
                raise problem from error
            raise

    async def archive(self, product_id: str) -> ProductRow:
        """Errors: INVALID_INPUT, NOT_FOUND. Archiving an archived product changes nothing."""
        checks = Checks()
        parsed_id = checks.reference(product_id, "id")
        checks.done()
        assert parsed_id is not None
        async with self._db.begin() as session:
            row = await repository.lock_product(session, parsed_id)
            if row is None:
                raise not_found("product", "id")
            if row.active:
                row.active = False
                await session.flush()
                await record_event(session, ProductArchived(product_id=row.id, sku=row.sku))
            return row
