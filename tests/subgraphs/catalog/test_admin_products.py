"""createProduct, updateProduct, archiveProduct: rules, codes, events, and nothing
written when they fail."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.subgraphs.catalog.support import (
    ADMIN_ID,
    ARCHIVE_PRODUCT,
    CREATE_PRODUCT,
    CUSTOMER,
    PRODUCT_BY_ID,
    SEARCH,
    UPDATE_PRODUCT,
    admin,
    create_category,
    create_product,
    events,
    new_product,
    sql,
    table_counts,
)
from tests.support.services import RunningService


async def test_create_product_derives_slug_and_records_creator_and_stock(
    catalog: RunningService,
) -> None:
    category = await create_category(catalog, name="Lamps")
    product = await create_product(
        catalog,
        sku=" t-100 ",
        name="Brass Desk Lamp",
        price="49.50",
        description="Warm light.",
        categoryId=category["id"],
        initialStock=7,
    )
    assert product["sku"] == "T-100"
    assert product["slug"] == "brass-desk-lamp"
    assert product["price"] == {"amount": "49.50", "currencyCode": "USD"}
    assert (product["stock"], product["inStock"], product["active"]) == (7, True, True)
    assert product["category"] == {"id": category["id"], "slug": "lamps"}
    rows = await sql(catalog, "SELECT created_by::text FROM products WHERE sku = 'T-100'")
    assert rows[0][0] == ADMIN_ID
    movements = await sql(catalog, "SELECT kind, delta_on_hand, actor FROM stock_movements")
    assert [tuple(row) for row in movements] == [("INITIAL", 7, f"user:{ADMIN_ID}")]
    assert [e["available"] for e in await events(catalog, "StockChanged")] == [7]


async def test_same_name_gets_a_numbered_slug(catalog: RunningService) -> None:
    first = await create_product(catalog, name="Oak Shelf")
    second = await create_product(catalog, name="Oak Shelf")
    third = await create_product(catalog, name="Oak Shelf")
    assert [first["slug"], second["slug"], third["slug"]] == [
        "oak-shelf",
        "oak-shelf-2",
        "oak-shelf-3",
    ]


@pytest.mark.parametrize(
    ("overrides", "codes", "fields"),
    [
        ({"sku": "bad sku!"}, ["INVALID_INPUT"], [["sku"]]),
        ({"name": "   "}, ["INVALID_INPUT"], [["name"]]),
        ({"name": "!!!"}, ["INVALID_INPUT"], [["name"]]),
        ({"price": "-1.00"}, ["INVALID_INPUT"], [["price"]]),
        ({"price": "1.999"}, ["INVALID_INPUT"], [["price"]]),
        ({"price": "100000000000"}, ["INVALID_INPUT"], [["price"]]),
        ({"slug": "Not A Slug"}, ["INVALID_INPUT"], [["slug"]]),
        ({"initialStock": -1}, ["INVALID_INPUT"], [["initialStock"]]),
        ({"categoryId": "not-an-id"}, ["INVALID_INPUT"], [["categoryId"]]),
        ({"categoryId": "00000000-0000-0000-0000-000000000999"}, ["NOT_FOUND"], [["categoryId"]]),
        ({"sku": "!", "price": "-2"}, ["INVALID_INPUT", "INVALID_INPUT"], [["sku"], ["price"]]),
    ],
)
async def test_create_product_rejects_bad_input_and_writes_nothing(
    catalog: RunningService, overrides: dict[str, Any], codes: list[str], fields: list[list[str]]
) -> None:
    before = await table_counts(catalog)
    result = await admin(catalog).execute(
        CREATE_PRODUCT, {"input": new_product(**{"initialStock": 5, **overrides})}
    )
    payload = result.ok()["createProduct"]
    assert payload["product"] is None
    assert [e["code"] for e in payload["userErrors"]] == codes
    assert [e["field"] for e in payload["userErrors"]] == fields
    assert await table_counts(catalog) == before


async def test_taken_sku_and_slug_are_reported_together(catalog: RunningService) -> None:
    existing = await create_product(catalog, sku="LAMP-1", slug="lamp-one")
    before = await table_counts(catalog)
    result = await admin(catalog).execute(
        CREATE_PRODUCT, {"input": new_product(sku="lamp-1", slug=existing["slug"])}
    )
    payload = result.ok()["createProduct"]
    assert [e["code"] for e in payload["userErrors"]] == ["SKU_TAKEN", "SLUG_TAKEN"]
    assert await table_counts(catalog) == before


async def test_concurrent_creates_of_one_sku_make_one_product(catalog: RunningService) -> None:
    # Both pass the pre-check; the unique index decides, and the loser gets a userError.
    results = await asyncio.gather(
        *(
            admin(catalog).execute(CREATE_PRODUCT, {"input": new_product(sku="RACE-1")})
            for _ in range(8)
        )
    )
    payloads = [r.ok()["createProduct"] for r in results]
    created = [p for p in payloads if p["product"]]
    assert len(created) == 1
    assert {e["code"] for p in payloads if not p["product"] for e in p["userErrors"]} == {
        "SKU_TAKEN"
    }
    assert (await sql(catalog, "SELECT count(*) FROM products WHERE sku = 'RACE-1'"))[0][0] == 1


async def test_concurrent_creates_of_one_name_get_distinct_slugs(catalog: RunningService) -> None:
    results = await asyncio.gather(
        *(
            admin(catalog).execute(CREATE_PRODUCT, {"input": new_product(name="Twin")})
            for _ in range(6)
        )
    )
    slugs = {r.ok()["createProduct"]["product"]["slug"] for r in results}
    assert slugs == {"twin", *(f"twin-{n}" for n in range(2, 7))}


@pytest.mark.parametrize(
    ("mutation", "variables"),
    [
        (CREATE_PRODUCT, {"input": new_product()}),
        (UPDATE_PRODUCT, {"id": "00000000-0000-0000-0000-000000000001", "input": {"name": "x"}}),
        (ARCHIVE_PRODUCT, {"id": "00000000-0000-0000-0000-000000000001"}),
    ],
)
async def test_product_mutations_need_an_admin(
    catalog: RunningService, mutation: str, variables: dict[str, Any]
) -> None:
    anonymous = await catalog.graphql.execute(mutation, variables)
    customer = await catalog.graphql.as_user(CUSTOMER).execute(mutation, variables)
    assert anonymous.error_codes == ["UNAUTHENTICATED"]
    assert customer.error_codes == ["FORBIDDEN"]
    assert (await table_counts(catalog))["products"] == 0


async def test_update_changes_fields_and_announces_a_price_change(catalog: RunningService) -> None:
    category = await create_category(catalog, name="Desks")
    product = await create_product(catalog, price="10.00")
    result = await admin(catalog).execute(
        UPDATE_PRODUCT,
        {
            "id": product["id"],
            "input": {"name": "Renamed", "price": "12.50", "categoryId": category["id"]},
        },
    )
    updated = result.ok()["updateProduct"]["product"]
    assert (updated["name"], updated["price"]["amount"]) == ("Renamed", "12.50")
    assert updated["category"]["id"] == category["id"]
    assert updated["slug"] == product["slug"]  # a slug is a URL: it changes only when asked
    assert updated["updatedAt"] >= product["updatedAt"]
    changed = await events(catalog, "ProductPriceChanged")
    assert [(e["old_price"], e["new_price"], e["currency"]) for e in changed] == [
        ("10.00", "12.50", "USD")
    ]
    # Out of its category again with an explicit null; the same price announces nothing.
    again = await admin(catalog).execute(
        UPDATE_PRODUCT, {"id": product["id"], "input": {"categoryId": None, "price": "12.50"}}
    )
    assert again.ok()["updateProduct"]["product"]["category"] is None
    assert len(await events(catalog, "ProductPriceChanged")) == 1


@pytest.mark.parametrize(
    ("input", "code", "field"),
    [
        ({"price": "-0.01"}, "INVALID_INPUT", ["price"]),
        ({"name": None}, "INVALID_INPUT", ["name"]),
        ({"slug": "taken-slug"}, "SLUG_TAKEN", ["slug"]),
        ({"categoryId": "00000000-0000-0000-0000-000000000999"}, "NOT_FOUND", ["categoryId"]),
    ],
)
async def test_update_rejects_bad_input_and_writes_nothing(
    catalog: RunningService, input: dict[str, Any], code: str, field: list[str]
) -> None:
    await create_product(catalog, slug="taken-slug")
    product = await create_product(catalog, price="5.00")
    before = await table_counts(catalog)
    result = await admin(catalog).execute(
        UPDATE_PRODUCT, {"id": product["id"], "input": {"name": "Changed", **input}}
    )
    payload = result.ok()["updateProduct"]
    assert (payload["product"], [(e["code"], e["field"]) for e in payload["userErrors"]]) == (
        None,
        [(code, field)],
    )
    assert await table_counts(catalog) == before
    unchanged = (await catalog.graphql.execute(PRODUCT_BY_ID, {"id": product["id"]})).ok()
    assert unchanged["product"]["name"] == product["name"]


async def test_update_and_archive_of_unknown_products_are_not_found(
    catalog: RunningService,
) -> None:
    missing = "00000000-0000-0000-0000-000000000404"
    update = await admin(catalog).execute(UPDATE_PRODUCT, {"id": missing, "input": {"name": "x"}})
    archive = await admin(catalog).execute(ARCHIVE_PRODUCT, {"id": missing})
    assert update.ok()["updateProduct"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert archive.ok()["archiveProduct"]["userErrors"][0]["code"] == "NOT_FOUND"
    garbage = await admin(catalog).execute(ARCHIVE_PRODUCT, {"id": "nope"})
    assert garbage.ok()["archiveProduct"]["userErrors"][0]["code"] == "INVALID_INPUT"


async def test_archived_product_leaves_lists_and_search_but_resolves(
    catalog: RunningService,
) -> None:
    category = await create_category(catalog, name="Rugs")
    product = await create_product(catalog, name="Wool Rug", categoryId=category["id"])
    archived = await admin(catalog).execute(ARCHIVE_PRODUCT, {"id": product["id"]})
    assert archived.ok()["archiveProduct"]["product"] == {"id": product["id"], "active": False}
    again = await admin(catalog).execute(ARCHIVE_PRODUCT, {"id": product["id"]})
    assert again.ok()["archiveProduct"]["userErrors"] == []
    assert [e["sku"] for e in await events(catalog, "ProductArchived")] == [product["sku"]]

    listed = (await catalog.graphql.execute(SEARCH, {})).ok()["products"]
    searched = (await catalog.graphql.execute(SEARCH, {"search": "wool rug"})).ok()["products"]
    in_category = (
        await catalog.graphql.execute(
            "query C($id: ID) { category(id: $id) { products { totalCount nodes { id } } } }",
            {"id": category["id"]},
        )
    ).ok()["category"]["products"]
    assert listed["totalCount"] == searched["totalCount"] == in_category["totalCount"] == 0
    assert in_category["nodes"] == []
    by_id = (await catalog.graphql.execute(PRODUCT_BY_ID, {"id": product["id"]})).ok()["product"]
    assert (by_id["id"], by_id["active"]) == (product["id"], False)
    entities = await catalog.graphql.execute(
        "query E($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id active } } }",
        {"r": [{"__typename": "Product", "id": product["id"]}]},
    )
    assert entities.ok()["_entities"] == [{"id": product["id"], "active": False}]
