"""Full-text search: stemmed, case-insensitive, prefix on the last word, SKUs, name
matches before description matches, pages that visit each match once, and
conditions the search indexes serve."""

from __future__ import annotations

import re
from typing import Any

import asyncpg
import pytest
from sqlalchemy import select
from sqlalchemy.dialects import postgresql

from shared.db.urls import asyncpg_url
from shared.graphql.pagination import encode_cursor
from subgraphs.catalog.repository import (
    ProductOrder,
    ProductQuery,
    count_statement,
    page_statement,
)
from subgraphs.catalog.search import search_query
from tests.subgraphs.catalog.conftest import database_url
from tests.subgraphs.catalog.support import SEARCH, create_product, sql
from tests.support.services import RunningService


async def _search(service: RunningService, search: str, **variables: Any) -> dict[str, Any]:
    result = await service.graphql.execute(SEARCH, {"search": search, "first": 100, **variables})
    products: dict[str, Any] = result.ok()["products"]
    return products


async def _names_with_word(service: RunningService, pattern: str) -> set[str]:
    rows = await sql(service, "SELECT name FROM products")
    return {row[0] for row in rows if re.search(pattern, row[0], re.IGNORECASE)}


async def test_words_match_in_any_form_and_case(seeded: RunningService) -> None:
    # "shoe" is stemmed like "Shoes"; "RUNNING" like "Running"; case never matters.
    expected = await _names_with_word(seeded, r"\bRunning Shoes\b")
    for typed in ("running shoe", "RUNNING SHOES", "Running  shoes!"):
        found = await _search(seeded, typed)
        assert {e["node"]["name"] for e in found["edges"]} == expected, typed
        assert found["totalCount"] == len(expected) > 0


async def test_the_last_word_matches_as_a_prefix_even_past_its_stem(
    seeded: RunningService,
) -> None:
    # "runn" is not a prefix of the stem "run" of "Running", but of the word itself.
    expected = await _names_with_word(seeded, r"\brunn")
    found = await _search(seeded, "runn")
    assert {e["node"]["name"] for e in found["edges"]} == expected
    assert any("Trail Runners" in name for name in expected)
    assert any("Running Shoes" in name for name in expected)
    espresso = await _search(seeded, "espresso mach")
    assert espresso["totalCount"] == len(await _names_with_word(seeded, r"espresso machine"))


async def _tsquery(service: RunningService, search: str) -> str:
    tsquery = search_query(search)
    assert tsquery is not None
    compiled = select(tsquery).compile(dialect=postgresql.asyncpg.dialect())
    params = [compiled.params[name] for name in compiled.positiontup or ()]
    rows = await sql(service, f"SELECT q::text FROM ({compiled}) AS s(q)", *params)  # noqa: S608
    return str(rows[0][0])


@pytest.mark.parametrize(
    ("typed", "tsquery"),
    [
        ("black", "'black':*"),
        ("lights", "'light':*"),
        ("espresso mach", "'espresso' & 'mach':*"),
        ("happy", "'happi':* | 'happy':*"),
        ("running shoe", "( 'run' | 'running' ) & 'shoe':*"),
        ("trail runn", "'trail' & 'runn':*"),
        ("the", "'the':*"),
    ],
)
async def test_a_word_whose_stem_matches_all_its_typed_form_does_is_queried_once(
    catalog: RunningService, typed: str, tsquery: str
) -> None:
    # Each node is one more index look-up and one more test per row;
    # "'light':* | 'lights':*" finds exactly what "'light':*" does.
    assert await _tsquery(catalog, typed) == tsquery


async def test_stop_words_do_not_have_to_appear(seeded: RunningService) -> None:
    with_stop_word = await _search(seeded, "the tent")
    without = await _search(seeded, "tent")
    assert with_stop_word["totalCount"] == without["totalCount"] > 0


async def test_skus_and_descriptions_are_searched(seeded: RunningService) -> None:
    by_sku = await _search(seeded, "ms-hea-0001")
    assert by_sku["edges"][0]["node"]["sku"] == "MS-HEA-0001"
    by_description = await _search(seeded, "weeknight dinners")
    assert by_description["totalCount"] == 20  # every cookware product says so


async def test_name_matches_come_before_description_matches_newest_first(
    catalog: RunningService,
) -> None:
    # Created in this order, so each is newer than the one before.
    await create_product(catalog, name="Cedar Bench", description="A bench for the garden.")
    await create_product(catalog, name="Garden Hose", description="Cedar scented packaging.")
    await create_product(catalog, name="Oak Stool", description="Not that one.")
    await create_product(catalog, name="Cedar Chest", description="For blankets.")
    await create_product(catalog, name="Pine Box", description="Smells of cedar.")
    expected = ["Cedar Chest", "Cedar Bench", "Pine Box", "Garden Hose"]
    found = await _search(catalog, "cedar", sort="RELEVANCE")
    assert [e["node"]["name"] for e in found["edges"]] == expected
    # A search without a sort is ranked too.
    assert [e["node"]["name"] for e in (await _search(catalog, "cedar"))["edges"]] == expected
    # One at a time, the pages cross from the name matches to the others in order.
    names: list[str] = []
    after = None
    for _ in expected:
        page = await _search(catalog, "cedar", first=1, after=after)
        names += [edge["node"]["name"] for edge in page["edges"]]
        after = page["pageInfo"]["endCursor"]
    assert names == expected
    assert (await _search(catalog, "cedar", first=1, after=after))["edges"] == []


@pytest.mark.parametrize(
    "key",
    [
        [2, "2026-01-01T00:00:00+00:00", "00000000-0000-4000-8000-000000000000"],
        [True, "2026-01-01T00:00:00+00:00", "00000000-0000-4000-8000-000000000000"],
        [1, "not a time", "00000000-0000-4000-8000-000000000000"],
        ["2026-01-01T00:00:00+00:00", "00000000-0000-4000-8000-000000000000"],
    ],
)
async def test_a_forged_relevance_cursor_is_a_clear_error(
    seeded: RunningService, key: list[Any]
) -> None:
    cursor = encode_cursor(key)
    result = await seeded.graphql.execute(SEARCH, {"search": "lamp", "after": cursor})
    assert result.error_codes == ["BAD_USER_INPUT"], result.errors


@pytest.mark.parametrize(
    ("typed", "finds"),
    [
        ("a & b | !c", False),
        ("x:* <-> (y)", False),
        ("'; DROP TABLE products; --", False),
        ("é", False),
        # As tsquery syntax this would exclude the linen shirts it finds as text.
        ("linen & !(shirt)", True),
    ],
)
async def test_search_syntax_from_users_is_plain_text(
    seeded: RunningService, typed: str, finds: bool
) -> None:
    # Operators and quotes are punctuation: the text finds what its words alone find.
    typed_ids = [edge["node"]["id"] for edge in (await _search(seeded, typed))["edges"]]
    words = " ".join(re.findall(r"\w+", typed))
    assert typed_ids == [edge["node"]["id"] for edge in (await _search(seeded, words))["edges"]]
    assert bool(typed_ids) is finds
    assert (await sql(seeded, "SELECT count(*) FROM products"))[0][0] == 240


async def test_search_combines_with_filters_and_sorts(seeded: RunningService) -> None:
    found = await _search(
        seeded, "lamp", minPrice="20", maxPrice="120", inStock=True, sort="PRICE_DESC"
    )
    amounts = [float(e["node"]["price"]["amount"]) for e in found["edges"]]
    assert amounts == sorted(amounts, reverse=True)
    assert all(20 <= a <= 120 for a in amounts) and amounts
    assert all(e["node"]["stock"] > 0 for e in found["edges"])
    assert found["totalCount"] == len(amounts)


async def test_relevance_pages_visit_every_match_once(seeded: RunningService) -> None:
    # Many products tie on rank ("warranty" is in every description): the id decides.
    total = (await _search(seeded, "warranty"))["totalCount"]
    seen: list[str] = []
    after = None
    while True:
        page = await _search(seeded, "warranty", first=17, after=after, sort="RELEVANCE")
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert total == 240
    assert len(seen) == len(set(seen)) == total


async def test_a_search_page_with_categories_is_at_most_three_statements(
    seeded: RunningService,
) -> None:
    query = """
    query { products(first: 100, filter: {search: "s"}) {
      nodes { id category { id parent { id } } } } }
    """
    with seeded.sql.counting() as statements:
        nodes = (await seeded.graphql.execute(query)).ok()["products"]["nodes"]
    assert len(nodes) == 100
    assert len(statements) <= 3, statements.statements


async def _plan(service: RunningService, statement: Any) -> str:
    """The plan of `statement` with sequential scans priced out: an index the
    conditions do not match shows as a sequential scan all the same."""
    compiled = statement.compile(
        dialect=postgresql.asyncpg.dialect(), compile_kwargs={"render_postcompile": True}
    )
    params = [compiled.params[name] for name in compiled.positiontup or ()]
    connection = await asyncpg.connect(asyncpg_url(database_url(service)))
    try:
        await connection.execute("ANALYZE products; SET enable_seqscan = off")
        rows = await connection.fetch(f"EXPLAIN (COSTS OFF) {compiled}", *params)
    finally:
        await connection.close()
    return "\n".join(row[0] for row in rows)


@pytest.mark.parametrize("typed", ["cedar", "espresso mach"])
async def test_search_conditions_are_the_expressions_of_the_search_indexes(
    seeded: RunningService, typed: str
) -> None:
    # The indexes are on expressions; a query spelling them otherwise scans the table.
    query = ProductQuery(search=typed, order=ProductOrder.RELEVANCE)
    page = await _plan(seeded, page_statement(query, 21, None))
    assert "ix_products_name_document" in page and "ix_products_full_document" in page, page
    count = await _plan(seeded, count_statement(query))
    assert "ix_products_full_document" in count, count
    assert "Seq Scan on products" not in page + count


async def test_total_count_is_counted_only_when_selected(seeded: RunningService) -> None:
    page = 'query { products(first: 5, filter: {search: "lamp"}) { nodes { id } } }'
    counted = """query { products(first: 5, filter: {search: "lamp"}) {
      ... on ProductConnection { totalCount } nodes { id } } }"""
    with seeded.sql.counting() as statements:
        (await seeded.graphql.execute(page)).ok()
    assert len(statements) == 1, statements.statements
    with seeded.sql.counting() as statements:
        data = (await seeded.graphql.execute(counted)).ok()["products"]
    # The page and its count, run side by side.
    assert len(statements) == 2, statements.statements
    assert data["totalCount"] >= len(data["nodes"]) > 0
