"""Admin mutations on products."""

from __future__ import annotations

import strawberry

from shared.errors import DomainError, invalid_input
from shared.graphql.errors import user_errors
from subgraphs.catalog.graphql.inputs import ProductCreateInput, ProductUpdateInput
from subgraphs.catalog.graphql.mutations.common import given, services
from subgraphs.catalog.graphql.payloads import ProductPayload
from subgraphs.catalog.graphql.types import CatalogInfo, Product
from subgraphs.catalog.service.products import NewProduct, ProductChanges


def _not_null(value: object, field: str) -> DomainError | None:
    if value is None:
        return invalid_input(f"`{field}` cannot be null; leave it out to keep it.", field)
    return None


@strawberry.type
class ProductMutations:
    @strawberry.mutation(
        description="(admin) Create a product. userErrors: INVALID_INPUT, SKU_TAKEN, "
        "SLUG_TAKEN, NOT_FOUND (categoryId)."
    )
    async def create_product(self, info: CatalogInfo, input: ProductCreateInput) -> ProductPayload:
        admin = info.context.require_admin()
        data = NewProduct(
            sku=input.sku,
            name=input.name,
            price=input.price,
            # The contract makes both nullable with defaults: null means the default.
            description=input.description or "",
            category_id=input.category_id,
            slug=input.slug,
            initial_stock=input.initial_stock or 0,
        )
        try:
            row = await services(info).products.create(data, created_by=admin.user_id)
        except DomainError as error:
            return ProductPayload(user_errors=user_errors(error))
        return ProductPayload(product=Product.from_row(row))

    @strawberry.mutation(
        description="(admin) Change a product's name, description, price, category or slug; "
        "a price change is announced (ProductPriceChanged). userErrors: INVALID_INPUT, "
        "NOT_FOUND (id or categoryId), SLUG_TAKEN."
    )
    async def update_product(
        self, info: CatalogInfo, id: strawberry.ID, input: ProductUpdateInput
    ) -> ProductPayload:
        info.context.require_admin()
        for field, value in (
            ("name", input.name),
            ("description", input.description),
            ("price", input.price),
            ("slug", input.slug),
        ):
            if (problem := _not_null(value, field)) is not None:
                return ProductPayload(user_errors=user_errors(problem))
        changes = ProductChanges(
            name=given(input.name),
            description=given(input.description),
            price=given(input.price),
            category_id=given(input.category_id),
            slug=given(input.slug),
        )
        try:
            row = await services(info).products.update(id, changes)
        except DomainError as error:
            return ProductPayload(user_errors=user_errors(error))
        return ProductPayload(product=Product.from_row(row))

    @strawberry.mutation(
        description="(admin) Take a product off sale: it leaves lists and search but still "
        "resolves by id. Archiving an archived product changes nothing. userErrors: "
        "INVALID_INPUT, NOT_FOUND."
    )
    async def archive_product(self, info: CatalogInfo, id: strawberry.ID) -> ProductPayload:
        info.context.require_admin()
        try:
            row = await services(info).products.archive(id)
        except DomainError as error:
            return ProductPayload(user_errors=user_errors(error))
        return ProductPayload(product=Product.from_row(row))
