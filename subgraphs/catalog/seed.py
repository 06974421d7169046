"""Demo data: a two-level category tree and a few hundred products.

Generated from fixed word lists with a fixed random seed, so every run produces
the same catalogue; inserts skip what exists (by slug and SKU), so seeding
again changes nothing.
"""

from __future__ import annotations

import itertools
import random
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from shared.seeding import seed_session
from subgraphs.catalog.models import CategoryRow, ProductRow
from subgraphs.catalog.slugs import slugify


@dataclass(frozen=True)
class _Leaf:
    name: str
    nouns: tuple[str, ...]
    price_range: tuple[int, int]
    uses: str


TREE: dict[str, tuple[_Leaf, ...]] = {
    "Apparel": (
        _Leaf(
            "Shirts",
            ("Oxford Shirt", "Linen Shirt", "Flannel Shirt", "Polo"),
            (25, 90),
            "everyday wear and the office",
        ),
        _Leaf(
            "Jackets",
            ("Rain Jacket", "Down Jacket", "Denim Jacket", "Fleece"),
            (60, 320),
            "cold mornings and wet commutes",
        ),
        _Leaf(
            "Shoes",
            ("Running Shoes", "Trail Runners", "Leather Boots", "Sneakers"),
            (45, 240),
            "long walks, runs and city streets",
        ),
    ),
    "Electronics": (
        _Leaf(
            "Headphones",
            ("Wireless Headphones", "Earbuds", "Studio Monitors"),
            (29, 399),
            "music, calls and focus on the go",
        ),
        _Leaf(
            "Laptops",
            ("Ultrabook", "Gaming Laptop", "Chromebook", "Workstation"),
            (299, 2899),
            "work, study and play",
        ),
        _Leaf(
            "Smart Home",
            ("Smart Speaker", "Thermostat", "Video Doorbell", "Smart Plug"),
            (19, 279),
            "a home that runs itself",
        ),
    ),
    "Home & Kitchen": (
        _Leaf(
            "Cookware",
            ("Skillet", "Dutch Oven", "Saucepan", "Wok"),
            (19, 260),
            "weeknight dinners and slow Sunday roasts",
        ),
        _Leaf(
            "Lighting",
            ("Desk Lamp", "Floor Lamp", "Pendant Light", "String Lights"),
            (15, 220),
            "warm evenings and bright workspaces",
        ),
        _Leaf(
            "Coffee",
            ("Espresso Machine", "Burr Grinder", "Pour-Over Kettle", "French Press"),
            (18, 899),
            "a better first cup of the day",
        ),
    ),
    "Sports & Outdoors": (
        _Leaf(
            "Camping",
            ("Tent", "Sleeping Bag", "Camp Stove", "Headlamp"),
            (15, 480),
            "nights under the stars",
        ),
        _Leaf(
            "Fitness",
            ("Yoga Mat", "Kettlebell", "Resistance Bands", "Jump Rope"),
            (9, 180),
            "home workouts and the gym",
        ),
        _Leaf(
            "Cycling",
            ("Bike Helmet", "Bike Light", "Cycling Gloves", "Saddle Bag"),
            (12, 210),
            "commutes and weekend rides",
        ),
    ),
}
BRANDS = ("Aurora", "Nimbus", "Summit", "Harbor", "Juniper", "Atlas", "Cobalt", "Willow")
QUALITIES = ("lightweight", "durable", "water-resistant", "recycled", "ergonomic", "compact")
PRODUCTS_PER_LEAF = 20
RANDOM_SEED = 20261122


def _products(category_ids: dict[str, uuid.UUID]) -> list[dict[str, object]]:
    rng = random.Random(RANDOM_SEED)  # noqa: S311 - demo data, not secrets
    rows: list[dict[str, object]] = []
    for leaves in TREE.values():
        for leaf in leaves:
            combinations = itertools.product(leaf.nouns, BRANDS)
            for index, (noun, brand) in enumerate(
                itertools.islice(combinations, PRODUCTS_PER_LEAF)
            ):
                name = f"{brand} {noun}"
                low, high = leaf.price_range
                price = Decimal(rng.randint(low * 100, high * 100)) / 100
                qualities = rng.sample(QUALITIES, 2)
                description = (
                    f"The {brand} {noun.lower()} is {qualities[0]} and {qualities[1]}, "
                    f"made for {leaf.uses}. Backed by a two-year warranty."
                )
                rows.append(
                    {
                        "id": uuid.uuid5(uuid.NAMESPACE_URL, f"minishop:{leaf.name}:{index}"),
                        "sku": f"MS-{leaf.name[:3].upper()}-{index + 1:04d}",
                        "slug": slugify(f"{name} {leaf.name}"),
                        "name": name,
                        "description": description,
                        "price": price,
                        "category_id": category_ids[leaf.name],
                        # Some items sold out, so the in-stock filter has work to do.
                        "stock_on_hand": 0 if rng.random() < 0.1 else rng.randint(1, 250),
                    }
                )
    return rows


async def seed(database_url: str) -> None:
    async with seed_session(database_url) as session:
        categories: list[dict[str, object]] = []
        for root, leaves in TREE.items():
            root_id = uuid.uuid5(uuid.NAMESPACE_URL, f"minishop:category:{root}")
            categories.append({"id": root_id, "name": root, "slug": slugify(root)})
            categories += [
                {
                    "id": uuid.uuid5(uuid.NAMESPACE_URL, f"minishop:category:{leaf.name}"),
                    "name": leaf.name,
                    "slug": slugify(leaf.name),
                    "parent_id": root_id,
                }
                for leaf in leaves
            ]
        for row in categories:  # parents first, so the foreign key holds
            await session.execute(
                insert(CategoryRow).values(**row).on_conflict_do_nothing(index_elements=["slug"])
            )
        rows = await session.execute(select(CategoryRow.name, CategoryRow.id))
        ids = {name: category_id for name, category_id in rows}
        await session.execute(
            insert(ProductRow).on_conflict_do_nothing(index_elements=["sku"]), _products(ids)
        )
