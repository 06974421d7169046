"""What a shopper types becomes a safe prefix tsquery."""

from __future__ import annotations

import pytest

from subgraphs.catalog.search import search_terms
from subgraphs.catalog.slugs import slugify


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Blue runn", ["blue", "runn:*"]),
        ("  espresso   MACHINE ", ["espresso", "machine:*"]),
        ("it's & | ! (drop)", ["it", "s", "drop:*"]),
        ("MS-HEA-0001", ["ms", "hea", "0001:*"]),
        ("!!!", []),
        ("", []),
    ],
)
def test_search_terms_keep_only_words_and_the_last_is_a_prefix(
    typed: str, expected: list[str]
) -> None:
    assert search_terms(typed) == expected


def test_slugify() -> None:
    assert slugify("Crème Brûlée Torch!") == "creme-brulee-torch"
    assert slugify("  Home & Kitchen ") == "home-kitchen"
