"""Categories form a tree: creating, moving without cycles, and products of subtrees."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.subgraphs.catalog.support import (
    CREATE_CATEGORY,
    CUSTOMER,
    UPDATE_CATEGORY,
    admin,
    create_category,
    create_product,
    table_counts,
)
from tests.support.services import RunningService

TREE = """
query Tree { categories { slug children { slug parent { slug } children { slug } } } }
"""
CATEGORY_PRODUCTS = """
query C($slug: String, $sort: ProductSort) {
  category(slug: $slug) { products(first: 100, sort: $sort) { totalCount nodes { name } } }
}
"""


async def test_created_categories_form_a_tree(catalog: RunningService) -> None:
    home = await create_category(catalog, name="Home & Garden")
    assert home["slug"] == "home-garden"
    await create_category(catalog, name="Garden Tools", parentId=home["id"])
    await create_category(catalog, name="Pots", slug="planters", parentId=home["id"])
    tree = (await catalog.graphql.execute(TREE)).ok()["categories"]
    assert tree == [
        {
            "slug": "home-garden",
            "children": [
                {"slug": "garden-tools", "parent": {"slug": "home-garden"}, "children": []},
                {"slug": "planters", "parent": {"slug": "home-garden"}, "children": []},
            ],
        }
    ]


async def test_category_products_include_subcategories_but_not_archived(
    catalog: RunningService,
) -> None:
    root = await create_category(catalog, name="Outdoor")
    child = await create_category(catalog, name="Tents", parentId=root["id"])
    grandchild = await create_category(catalog, name="Tent Pegs", parentId=child["id"])
    await create_product(catalog, name="Dome Tent", categoryId=child["id"], price="120.00")
    await create_product(catalog, name="Steel Peg", categoryId=grandchild["id"], price="2.00")
    await create_product(catalog, name="Camp Chair", categoryId=root["id"], price="30.00")
    await create_product(catalog, name="Unrelated", price="1.00")
    page = (
        await catalog.graphql.execute(CATEGORY_PRODUCTS, {"slug": "outdoor", "sort": "PRICE_ASC"})
    ).ok()["category"]["products"]
    assert page["totalCount"] == 3
    assert [n["name"] for n in page["nodes"]] == ["Steel Peg", "Camp Chair", "Dome Tent"]
    tents = (await catalog.graphql.execute(CATEGORY_PRODUCTS, {"slug": "tents"})).ok()
    assert tents["category"]["products"]["totalCount"] == 2


@pytest.mark.parametrize(
    ("input", "code", "field"),
    [
        ({"name": ""}, "INVALID_INPUT", ["name"]),
        ({"name": "Boots", "slug": "Bad Slug"}, "INVALID_INPUT", ["slug"]),
        ({"name": "Boots", "parentId": "zzz"}, "INVALID_INPUT", ["parentId"]),
        (
            {"name": "Boots", "parentId": "00000000-0000-0000-0000-000000000999"},
            "NOT_FOUND",
            ["parentId"],
        ),
        ({"name": "Footwear", "slug": "shoes"}, "SLUG_TAKEN", ["slug"]),
        ({"name": "Shoes"}, "SLUG_TAKEN", ["slug"]),
    ],
)
async def test_create_category_errors_write_nothing(
    catalog: RunningService, input: dict[str, Any], code: str, field: list[str]
) -> None:
    await create_category(catalog, name="Shoes")
    before = await table_counts(catalog)
    payload = (await admin(catalog).execute(CREATE_CATEGORY, {"input": input})).ok()[
        "createCategory"
    ]
    assert payload["category"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)]
    assert await table_counts(catalog) == before


async def test_a_category_cannot_move_into_its_own_subtree(catalog: RunningService) -> None:
    root = await create_category(catalog, name="A")
    child = await create_category(catalog, name="B", parentId=root["id"])
    grandchild = await create_category(catalog, name="C", parentId=child["id"])
    for target in (root, grandchild):
        payload = (
            await admin(catalog).execute(
                UPDATE_CATEGORY, {"id": root["id"], "input": {"parentId": target["id"]}}
            )
        ).ok()["updateCategory"]
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
            ("INVALID_INPUT", ["parentId"])
        ]
    moved = (
        await admin(catalog).execute(
            UPDATE_CATEGORY,
            {"id": grandchild["id"], "input": {"parentId": None, "name": "C2", "slug": "c-two"}},
        )
    ).ok()["updateCategory"]
    assert moved["category"] == {
        "id": grandchild["id"],
        "name": "C2",
        "slug": "c-two",
        "parent": None,
    }


async def test_concurrent_opposite_moves_never_make_a_cycle(catalog: RunningService) -> None:
    # A under B and B under A at the same moment: one must lose.
    a = await create_category(catalog, name="Left")
    b = await create_category(catalog, name="Right")
    results = await asyncio.gather(
        admin(catalog).execute(UPDATE_CATEGORY, {"id": a["id"], "input": {"parentId": b["id"]}}),
        admin(catalog).execute(UPDATE_CATEGORY, {"id": b["id"], "input": {"parentId": a["id"]}}),
    )
    errors = [r.ok()["updateCategory"]["userErrors"] for r in results]
    assert sorted(len(e) for e in errors) == [0, 1]
    tree = (await catalog.graphql.execute(TREE)).ok()["categories"]
    assert len(tree) == 1 and len(tree[0]["children"]) == 1


async def test_category_mutations_need_an_admin(catalog: RunningService) -> None:
    anonymous = await catalog.graphql.execute(CREATE_CATEGORY, {"input": {"name": "X"}})
    customer = await catalog.graphql.as_user(CUSTOMER).execute(
        UPDATE_CATEGORY, {"id": "00000000-0000-0000-0000-000000000001", "input": {"name": "Y"}}
    )
    assert anonymous.error_codes == ["UNAUTHENTICATED"]
    assert customer.error_codes == ["FORBIDDEN"]


async def test_concurrent_creates_of_one_slug_make_one_category(catalog: RunningService) -> None:
    results = await asyncio.gather(
        *(admin(catalog).execute(CREATE_CATEGORY, {"input": {"name": "Sale"}}) for _ in range(6))
    )
    payloads = [result.ok()["createCategory"] for result in results]
    assert sum(1 for p in payloads if p["category"]) == 1
    assert {e["code"] for p in payloads for e in p["userErrors"]} == {"SLUG_TAKEN"}
