"""Categories: a tree. Creating one, and moving or renaming it without a cycle."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.errors import DomainError, ValidationFailed, invalid_input, not_found
from subgraphs.catalog import repository
from subgraphs.catalog.models import CategoryRow
from subgraphs.catalog.service.errors import slug_taken, violated_constraint
from subgraphs.catalog.service.validation import KEEP, Checks
from subgraphs.catalog.slugs import slugify


@dataclass(frozen=True, slots=True)
class NewCategory:
    name: str
    slug: str | None = None
    parent_id: str | None = None


@dataclass(frozen=True, slots=True)
class CategoryChanges:
    """`KEEP` leaves a field alone; `parent_id=None` makes the category a root."""

    name: str = KEEP
    slug: str = KEEP
    parent_id: str | None = KEEP


def _slug_error(error: IntegrityError) -> DomainError | None:
    if violated_constraint(error) == "uq_categories_slug":
        return slug_taken()
    return None


class CategoryService:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._db = sessionmaker

    async def create(self, data: NewCategory) -> CategoryRow:
        """Errors: INVALID_INPUT, SLUG_TAKEN, NOT_FOUND (parentId).

        Without a slug, the name's slug is used; unlike products, categories are
        few and their slugs are URLs people type, so a clash is reported rather
        than numbered.
        """
        checks = Checks()
        name = checks.name(data.name)
        slug = checks.slug(data.slug) if data.slug is not None else slugify(name)
        parent_id = checks.reference(data.parent_id, "parentId") if data.parent_id else None
        checks.done()
        try:
            async with self._db.begin() as session:
                problems: list[DomainError] = []
                if await repository.slug_taken(session, slug):
                    problems.append(slug_taken())
                if (
                    parent_id is not None
                    and await repository.category_by_id(session, parent_id) is None
                ):
                    problems.append(not_found("category", "parentId"))
                if problems:
                    raise ValidationFailed(problems)
                return await repository.insert_category(
                    session, id=uuid.uuid4(), name=name, slug=slug, parent_id=parent_id
                )
        except IntegrityError as error:
            if (problem := _slug_error(error)) is not None:
                raise problem from error
            raise

    async def update(self, category_id: str, changes: CategoryChanges) -> CategoryRow:
        """Errors: INVALID_INPUT (including a move under itself or its own subtree),
        NOT_FOUND (id or parentId), SLUG_TAKEN."""
        checks = Checks()
        parsed_id = checks.reference(category_id, "id")
        name = checks.name(changes.name) if changes.name is not KEEP else KEEP
        slug = checks.slug(changes.slug) if changes.slug is not KEEP else KEEP
        parent_id: uuid.UUID | None = KEEP
        if changes.parent_id is not KEEP:
            parent_id = (
                checks.reference(changes.parent_id, "parentId") if changes.parent_id else None
            )
        checks.done()
        assert parsed_id is not None
        try:
            async with self._db.begin() as session:
                if parent_id is not KEEP:
                    # Moves are serialised: two concurrent moves could otherwise
                    # each pass the check below and together close a loop.
                    await repository.lock_tree(session)
                row = await repository.category_by_id(session, parsed_id)
                if row is None:
                    raise not_found("category", "id")
                problems: list[DomainError] = []
                slug_changes = slug is not KEEP and slug != row.slug
                if slug_changes and await repository.slug_taken(session, slug, exclude=row.id):
                    problems.append(slug_taken())
                if parent_id is not KEEP and parent_id is not None:
                    await self._check_parent(session, row.id, parent_id, problems)
                if problems:
                    raise ValidationFailed(problems)
                for field, value in (("name", name), ("slug", slug), ("parent_id", parent_id)):
                    if value is not KEEP:
                        setattr(row, field, value)
                await session.flush()
                return row
        except IntegrityError as error:
            if (problem := _slug_error(error)) is not None:
                raise problem from error
            raise

    async def _check_parent(
        self,
        session: AsyncSession,
        category_id: uuid.UUID,
        parent_id: uuid.UUID,
        problems: list[DomainError],
    ) -> None:
        if await repository.category_by_id(session, parent_id) is None:
            problems.append(not_found("category", "parentId"))
        elif parent_id in await repository.category_with_descendants(session, category_id):
            problems.append(
                invalid_input(
                    "A category cannot move under itself or its subcategories.", "parentId"
                )
            )
