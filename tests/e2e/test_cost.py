"""The gateway's cost estimate on the real graph: pages count by `first`, the
apps' heaviest pages fit under the maximum, and a page of pages does not."""

from __future__ import annotations

from typing import Any

import pytest

from shared.operations import load_operations
from tests.support.graphql import GraphQLClient, GraphQLResponse

MAX_COST = 5000  # the gateway's default (router/gateway.config.ts)
FULL_PAGE = 100  # the most `first` may be
OPERATIONS = {operation.name: operation for operation in load_operations()}


def cost(response: GraphQLResponse) -> dict[str, Any]:
    return dict(response.body["extensions"]["cost"])


@pytest.mark.parametrize("first", [10, 20])
async def test_a_page_costs_its_connection_and_first_times_what_each_row_selects(
    gateway: GraphQLClient, first: int
) -> None:
    response = await gateway.execute(
        "query Page($first: Int) { products(first: $first) { nodes { id price { amount } } } }",
        {"first": first},
    )

    response.ok()
    # ProductConnection, then per row a Product and its Money.
    assert cost(response) == {"estimated": 1 + first * 2, "max": MAX_COST}


@pytest.mark.parametrize(
    ("name", "variables"),
    [
        ("Categories", {}),
        ("Category", {"slug": "apparel", "first": FULL_PAGE}),
        ("Products", {"first": FULL_PAGE}),
        ("AdminProducts", {"first": FULL_PAGE}),
        ("AdminOrders", {"first": FULL_PAGE}),
        ("AdminUsers", {"first": FULL_PAGE}),
        ("Cart", {}),
    ],
)
async def test_the_apps_heaviest_pages_fit_under_the_maximum(
    gateway: GraphQLClient, admin_token: str, name: str, variables: dict[str, Any]
) -> None:
    response = await gateway.as_user(admin_token).execute(OPERATIONS[name].body, variables)

    response.ok()
    assert 0 < cost(response)["estimated"] <= MAX_COST / 2


async def test_a_page_of_pages_is_refused_before_it_runs(gateway: GraphQLClient) -> None:
    response = await gateway.execute(
        "{ products(first: 100) { nodes { category { products(first: 100) { nodes { id } } } } } }"
    )

    assert response.status < 500
    assert response.data is None
    assert response.error_codes == ["COST_ESTIMATED_TOO_EXPENSIVE"]
    # Connection + 100 x (Product + Category + Connection + 100 Products)
    assert response.errors[0]["extensions"]["cost"] == {
        "estimated": 1 + 100 * (1 + 1 + 1 + 100),
        "max": MAX_COST,
    }
