"""The cart's internal API for checkout: the shape orders reads, and who may read it."""

from __future__ import annotations

import uuid
from datetime import datetime

from shared.internal import HEADER, InternalClient
from subgraphs.cart.internal.models import CartContents
from tests.subgraphs.cart.support import product_ids
from tests.support.services import RunningService, mint_token, service_headers

ALICE = "aaaaaaaa-0000-4000-8000-0000000000d1"
NOBODY = "cccccccc-0000-4000-8000-0000000000d2"
ADD = """
mutation Add($productId: ID!, $quantity: Int!) {
  addToCart(productId: $productId, quantity: $quantity) { userErrors { code } }
}
"""
CLEAR = "mutation { clearCart { userErrors { code } } }"


async def test_orders_reads_the_lines_in_cart_order(
    cart: RunningService, catalog: RunningService
) -> None:
    # Given a cart whose second line was added first
    first, second = await product_ids(catalog, 2)
    alice = cart.graphql.as_user(mint_token(ALICE))
    await alice.execute(ADD, {"productId": second, "quantity": 2})
    await alice.execute(ADD, {"productId": first, "quantity": 1})
    await alice.execute(ADD, {"productId": second, "quantity": 1})
    # When orders reads it
    response = await cart.http.get(
        f"/internal/carts/{ALICE}", headers=service_headers("orders", "cart")
    )
    # Then it gets exactly this shape
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"user_id", "lines", "updated_at"}
    assert body["user_id"] == ALICE
    assert body["lines"] == [
        {"product_id": second, "quantity": 3},
        {"product_id": first, "quantity": 1},
    ]
    assert datetime.fromisoformat(body["updated_at"]).tzinfo is not None


async def test_the_shared_client_reads_it_as_a_typed_answer(
    cart: RunningService, catalog: RunningService
) -> None:
    (product,) = await product_ids(catalog, 1)
    await cart.graphql.as_user(mint_token(ALICE)).execute(
        ADD, {"productId": product, "quantity": 4}
    )
    client = InternalClient("orders", http=cart.http, base_urls={"cart": "http://test"})
    # Any spelling of the id names the same cart.
    contents = await client.service("cart").get(
        f"/internal/carts/{ALICE.upper()}", response_model=CartContents
    )
    assert contents.user_id == uuid.UUID(ALICE)
    assert [(str(line.product_id), line.quantity) for line in contents.lines] == [(product, 4)]


async def test_a_user_without_a_cart_has_no_lines(bare_cart: RunningService) -> None:
    response = await bare_cart.http.get(
        f"/internal/carts/{NOBODY}", headers=service_headers("orders", "cart")
    )
    assert (response.status_code, response.json()) == (
        200,
        {"user_id": NOBODY, "lines": [], "updated_at": None},
    )


async def test_an_emptied_cart_has_no_lines_but_a_change_time(bare_cart: RunningService) -> None:
    await bare_cart.graphql.as_user(mint_token(ALICE)).execute(CLEAR)
    body = (
        await bare_cart.http.get(
            f"/internal/carts/{ALICE}", headers=service_headers("orders", "cart")
        )
    ).json()
    assert body["lines"] == [] and body["updated_at"] is not None


async def test_without_a_valid_service_token_it_is_unauthenticated(
    bare_cart: RunningService,
) -> None:
    for headers in (
        {},
        {HEADER: "Bearer not-a-service-token"},
        {"authorization": f"Bearer {mint_token(ALICE)}"},
        service_headers("orders", "catalog"),
    ):
        response = await bare_cart.http.get(f"/internal/carts/{ALICE}", headers=headers)
        assert (response.status_code, response.json()["error"]["code"]) == (
            401,
            "UNAUTHENTICATED",
        )


async def test_services_other_than_orders_are_forbidden(bare_cart: RunningService) -> None:
    for caller in ("catalog", "cart", "notifications"):
        response = await bare_cart.http.get(
            f"/internal/carts/{ALICE}", headers=service_headers(caller, "cart")
        )
        assert (response.status_code, response.json()["error"]["code"]) == (403, "FORBIDDEN")


async def test_a_malformed_user_id_is_a_typed_422(bare_cart: RunningService) -> None:
    for user_id in ("not-a-uuid", "%00", "aaaaaaaa-0000-4000-8000-00000000000%0A", "1" * 500):
        response = await bare_cart.http.get(
            f"/internal/carts/{user_id}", headers=service_headers("orders", "cart")
        )
        assert response.status_code == 422, user_id
        error = response.json()["error"]
        assert error["code"] == "INVALID_REQUEST"
        assert error["details"]["errors"][0]["loc"] == ["path", "user_id"]


async def test_openapi_describes_the_internal_route(bare_cart: RunningService) -> None:
    document = (await bare_cart.http.get("/openapi.json")).json()
    route = document["paths"]["/internal/carts/{user_id}"]["get"]
    assert route["security"] == [{"ServiceToken": []}]
    assert {"200", "401", "403", "422"} <= set(route["responses"])
    assert {"CartContents", "CartLine", "ErrorResponse"} <= set(document["components"]["schemas"])
