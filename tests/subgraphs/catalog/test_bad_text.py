"""NUL bytes and control characters: a look-up that holds one finds nothing, an input
that holds one is INVALID_INPUT and writes nothing; never a server error."""

from __future__ import annotations

import pytest

from tests.subgraphs.catalog.support import (
    ADJUST_STOCK,
    CREATE_CATEGORY,
    CREATE_PRODUCT,
    SEARCH,
    UPDATE_PRODUCT,
    admin,
    create_product,
    new_product,
    sql,
)
from tests.support.services import RunningService

PRODUCT_BY = "query P($slug: String, $sku: String) { product(slug: $slug, sku: $sku) { id } }"
CATEGORY_BY = "query C($slug: String) { category(slug: $slug) { id } }"
BAD = ["lamp\x00", "\x00", "la\x07mp", "lamp\x1b[31m"]


@pytest.mark.parametrize("text", BAD)
async def test_look_ups_with_control_characters_find_nothing(
    catalog: RunningService, text: str
) -> None:
    for query, variables in [
        (PRODUCT_BY, {"slug": text}),
        (PRODUCT_BY, {"sku": text}),
        (CATEGORY_BY, {"slug": text}),
    ]:
        result = await catalog.graphql.execute(query, variables)
        assert not result.errors, (variables, result.body)
        assert list(result.ok().values()) == [None]


async def test_inputs_with_nul_bytes_are_invalid_and_write_nothing(catalog: RunningService) -> None:
    # Given a product
    product = await create_product(catalog, initialStock=2)
    client = admin(catalog)
    attempts = [
        (CREATE_PRODUCT, {"input": new_product(name="Lamp\x00")}, "createProduct", "name"),
        (
            CREATE_PRODUCT,
            {"input": new_product(description="a\x00b")},
            "createProduct",
            "description",
        ),
        (CREATE_PRODUCT, {"input": new_product(slug="lamp\x00")}, "createProduct", "slug"),
        (
            UPDATE_PRODUCT,
            {"id": product["id"], "input": {"description": "\x00"}},
            "updateProduct",
            "description",
        ),
        (
            ADJUST_STOCK,
            {"productId": product["id"], "delta": 1, "reason": "count\x00"},
            "adjustStock",
            "reason",
        ),
        (CREATE_CATEGORY, {"input": {"name": "Lamps\x00"}}, "createCategory", "name"),
        (CREATE_CATEGORY, {"input": {"name": "Lamps", "slug": "\x00"}}, "createCategory", "slug"),
    ]
    for query, variables, field, path in attempts:
        # When an input holds a NUL byte
        result = await client.execute(query, variables)
        # Then it is INVALID_INPUT on that field
        errors = result.ok()[field]["userErrors"]
        assert [(e["code"], e["field"]) for e in errors] == [("INVALID_INPUT", [path])], variables
    # And nothing was written
    assert (await sql(catalog, "SELECT count(*) FROM products"))[0][0] == 1
    assert (await sql(catalog, "SELECT count(*) FROM categories"))[0][0] == 0
    (row,) = await sql(catalog, "SELECT description, stock_on_hand FROM products")
    assert (row[0], row[1]) == ("", 2)


async def test_descriptions_keep_line_breaks_and_tabs(catalog: RunningService) -> None:
    product = await create_product(catalog, description="Warm light.\n\n\tDimmable.")
    assert product["description"] == "Warm light.\n\n\tDimmable."


@pytest.mark.parametrize("price", ["NaN", "Infinity", "-Infinity", "1e400", "1" * 40])
async def test_non_finite_or_absurd_price_filters_are_bad_user_input(
    catalog: RunningService, price: str
) -> None:
    for variables in [
        {"minPrice": price},
        {"maxPrice": price},
        {"minPrice": "1", "maxPrice": price},
    ]:
        result = await catalog.graphql.execute(SEARCH, variables)
        assert result.error_codes == ["BAD_USER_INPUT"], (variables, result.body)


async def test_a_nan_price_is_bad_user_input_and_writes_nothing(catalog: RunningService) -> None:
    result = await admin(catalog).execute(CREATE_PRODUCT, {"input": new_product(price="NaN")})
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert (await sql(catalog, "SELECT count(*) FROM products"))[0][0] == 0
