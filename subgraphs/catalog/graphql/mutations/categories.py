"""Admin mutations on categories."""

from __future__ import annotations

import strawberry

from shared.errors import DomainError, invalid_input
from shared.graphql.errors import user_errors
from subgraphs.catalog.graphql.inputs import CategoryInput, CategoryUpdateInput
from subgraphs.catalog.graphql.mutations.common import given, services
from subgraphs.catalog.graphql.payloads import CategoryPayload
from subgraphs.catalog.graphql.types import CatalogInfo, Category
from subgraphs.catalog.service.categories import CategoryChanges, NewCategory


@strawberry.type
class CategoryMutations:
    @strawberry.mutation(
        description="(admin) Create a category, under `parentId` or as a root; without a "
        "slug, the name's is used. userErrors: INVALID_INPUT, SLUG_TAKEN, NOT_FOUND (parentId)."
    )
    async def create_category(self, info: CatalogInfo, input: CategoryInput) -> CategoryPayload:
        info.context.require_admin()
        data = NewCategory(name=input.name, slug=input.slug, parent_id=input.parent_id)
        try:
            row = await services(info).categories.create(data)
        except DomainError as error:
            return CategoryPayload(user_errors=user_errors(error))
        return CategoryPayload(category=Category.from_row(row))

    @strawberry.mutation(
        description="(admin) Rename a category or move it in the tree. userErrors: "
        "INVALID_INPUT (also a move under itself or its own subcategories), NOT_FOUND "
        "(id or parentId), SLUG_TAKEN."
    )
    async def update_category(
        self, info: CatalogInfo, id: strawberry.ID, input: CategoryUpdateInput
    ) -> CategoryPayload:
        info.context.require_admin()
        for field, value in (("name", input.name), ("slug", input.slug)):
            if value is None:
                problem = invalid_input(
                    f"`{field}` cannot be null; leave it out to keep it.", field
                )
                return CategoryPayload(user_errors=user_errors(problem))
        changes = CategoryChanges(
            name=given(input.name), slug=given(input.slug), parent_id=given(input.parent_id)
        )
        try:
            row = await services(info).categories.update(id, changes)
        except DomainError as error:
            return CategoryPayload(user_errors=user_errors(error))
        return CategoryPayload(category=Category.from_row(row))
