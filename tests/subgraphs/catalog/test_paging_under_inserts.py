"""Keyset pages stay exact while products are added: paging through a category
visits every product that was there exactly once, for every sort."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from tests.subgraphs.catalog.support import CREATE_PRODUCT, admin, new_product
from tests.support.services import RunningService

PAGE = """
query Page($first: Int, $after: String, $sort: ProductSort, $filter: ProductFilter) {
  products(first: $first, after: $after, sort: $sort, filter: $filter) {
    edges { node { id } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
CATEGORY_PAGE = """
query CategoryPage($slug: String, $first: Int, $after: String, $sort: ProductSort) {
  category(slug: $slug) {
    products(first: $first, after: $after, sort: $sort) {
      edges { node { id } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""
CATEGORY = "electronics"  # a root: its products are its three subcategories'
PAGE_SIZE = 9
INSERTS_PER_PAGE = 3


async def _category_id(service: RunningService) -> tuple[str, list[str]]:
    query = "query($s: String) { category(slug: $s) { id children { id } } }"
    category = (await service.graphql.execute(query, {"s": CATEGORY})).ok()["category"]
    return category["id"], [child["id"] for child in category["children"]]


async def _ids(service: RunningService, variables: dict[str, Any]) -> list[str]:
    ids: list[str] = []
    after = None
    while True:
        result = await service.graphql.execute(PAGE, {**variables, "first": 100, "after": after})
        page = result.ok()["products"]
        ids += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return ids
        after = page["pageInfo"]["endCursor"]


async def _insert(service: RunningService, rng: random.Random, category_ids: list[str]) -> None:
    # Prices, names and ranks spread over the whole range, so new rows land
    # before, after and between the pages already read.
    word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(6)).title()
    product = new_product(
        name=f"{word} Gadget",
        price=f"{rng.randint(100, 300_000) / 100:.2f}",
        description="Comes with a warranty." * rng.randint(1, 3),
        categoryId=rng.choice(category_ids),
    )
    result = await admin(service).execute(CREATE_PRODUCT, {"input": product})
    assert result.ok()["createProduct"]["userErrors"] == []


@pytest.mark.parametrize("sort", ["NEWEST", "PRICE_ASC", "PRICE_DESC", "NAME_ASC", "RELEVANCE"])
async def test_paging_a_category_while_inserting_visits_each_product_once(
    seeded: RunningService, sort: str
) -> None:
    category_id, children = await _category_id(seeded)
    # RELEVANCE needs a search to rank by; every description has "warranty".
    filter = {"categoryId": category_id, **({"search": "warranty"} if sort == "RELEVANCE" else {})}
    before = set(await _ids(seeded, {"filter": filter, "sort": sort}))
    assert len(before) == 60
    rng = random.Random(sort)

    seen: list[str] = []
    after = None
    while True:
        variables = {"first": PAGE_SIZE, "after": after, "sort": sort, "filter": filter}
        page = (await seeded.graphql.execute(PAGE, variables)).ok()["products"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        # Inserts between pages, and one racing the next page.
        for _ in range(INSERTS_PER_PAGE - 1):
            await _insert(seeded, rng, children)
        racing = asyncio.create_task(_insert(seeded, rng, children))
        if not page["pageInfo"]["hasNextPage"]:
            await racing
            break
        after = page["pageInfo"]["endCursor"]
        await racing

    assert len(seen) == len(set(seen)), "a product was visited twice"
    assert before <= set(seen), f"{len(before - set(seen))} products were skipped"


async def test_category_products_pages_while_inserting(seeded: RunningService) -> None:
    _, children = await _category_id(seeded)
    rng = random.Random(7)
    seen: list[str] = []
    after = None
    while True:
        variables = {"slug": CATEGORY, "first": PAGE_SIZE, "after": after, "sort": "PRICE_ASC"}
        result = await seeded.graphql.execute(CATEGORY_PAGE, variables)
        page = result.ok()["category"]["products"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        await _insert(seeded, rng, children)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) >= 60
