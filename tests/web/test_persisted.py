"""The apps as a trusted-documents gateway wants them: operations by hash alone."""

from __future__ import annotations

import json

from playwright.sync_api import Browser, Request, Route, expect

from tests.web.browser import person
from tests.web.conftest import WebStack
from tests.web.graph import Gateway, unique_word
from tests.web.shopper import add_to_cart, search, sign_up


def test_the_storefront_set_to_hash_only_sends_no_documents_and_still_works(
    browser: Browser, web_stack: WebStack, admin_gateway: Gateway
) -> None:
    # given: a storefront whose config.json says "hash"
    word = unique_word()
    product = admin_gateway.create_product(f"{word.capitalize()} Lantern", "18.00")
    config = {"gatewayUrl": web_stack.stack.gateway_url, "persistedQueries": "hash"}
    sent: list[dict[str, object]] = []

    def hash_only_config(route: Route) -> None:
        route.fulfill(status=200, content_type="application/json", body=json.dumps(config))

    def record(request: Request) -> None:
        if request.url == web_stack.stack.gateway_url and request.method == "POST":
            sent.append(json.loads(request.post_data or "{}"))

    with person(browser, web_stack.allowed_origins) as (context, watch):
        context.route(f"{web_stack.storefront.origin}/config.json", hash_only_config)
        page = watch.open(context)
        page.on("request", record)

        # when: a shopper signs up, searches and adds a product
        sign_up(page, web_stack.storefront.url)
        search(page, word)
        add_to_cart(page, product.name)

        # then
        expect(page.get_by_test_id("cart-link")).to_contain_text("1")
    names = {str(body.get("operationName")) for body in sent}
    assert {"Register", "Products", "Product", "AddToCart", "Cart"} <= names
    assert all("query" not in body for body in sent), [b for b in sent if "query" in b]
    hashes = [body["extensions"]["persistedQuery"]["sha256Hash"] for body in sent]  # type: ignore[index]
    assert all(isinstance(h, str) and len(h) == 64 for h in hashes)
