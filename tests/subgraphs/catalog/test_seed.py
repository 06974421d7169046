"""The demo catalogue: a two-level tree, hundreds of described products, idempotent."""

from __future__ import annotations

from subgraphs.catalog.seed import seed
from tests.subgraphs.catalog.conftest import database_url
from tests.subgraphs.catalog.support import sql, table_counts
from tests.support.services import RunningService


async def test_seed_builds_a_browsable_catalogue(seeded: RunningService) -> None:
    roots = await sql(seeded, "SELECT count(*) FROM categories WHERE parent_id IS NULL")
    leaves = await sql(
        seeded,
        "SELECT count(*) FROM categories c JOIN categories p ON c.parent_id = p.id "
        "WHERE p.parent_id IS NULL",
    )
    assert roots[0][0] >= 2 and roots[0][0] + leaves[0][0] >= 8
    stats = await sql(
        seeded,
        "SELECT count(*), count(DISTINCT price), min(length(description)), "
        "count(*) FILTER (WHERE stock_on_hand = 0), count(DISTINCT stock_on_hand) FROM products",
    )
    products, prices, shortest_description, sold_out, stock_levels = stats[0]
    assert products >= 200
    assert prices > products // 2
    assert shortest_description > 40
    assert 0 < sold_out < products // 4
    assert stock_levels > 50


async def test_seeding_again_changes_nothing(seeded: RunningService) -> None:
    before = await table_counts(seeded)
    snapshot = await sql(seeded, "SELECT id, sku, price, stock_on_hand FROM products ORDER BY id")
    await seed(database_url(seeded))
    assert await table_counts(seeded) == before
    assert await sql(seeded, "SELECT id, sku, price, stock_on_hand FROM products ORDER BY id") == (
        snapshot
    )
