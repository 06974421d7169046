"""What a shopper types becomes a safe prefix tsquery."""

from __future__ import annotations

import pytest

from subgraphs.catalog.search import to_tsquery_text
from subgraphs.catalog.slugs import slugify


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Blue runn", "blue & runn:*"),
        ("  espresso   MACHINE ", "espresso & machine:*"),
        ("it's & | ! (drop)", "it & s & drop:*"),
        ("MS-HEA-0001", "ms & hea & 0001:*"),
        ("!!!", None),
        ("", None),
    ],
)
def test_tsquery_text(typed: str, expected: str | None) -> None:
    assert to_tsquery_text(typed) == expected


def test_slugify() -> None:
    assert slugify("Crème Brûlée Torch!") == "creme-brulee-torch"
    assert slugify("  Home & Kitchen ") == "home-kitchen"
