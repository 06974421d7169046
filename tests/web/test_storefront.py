"""A shopper in the storefront, in a real Chromium, against the whole stack."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.web.browser import person
from tests.web.conftest import Purchase, WebStack
from tests.web.graph import Gateway, unique_word
from tests.web.shopper import add_to_cart, cart_count, check_out, search, sign_up


def test_shopper_buys_two_products_with_tok_visa_and_sees_the_order_paid_and_the_cart_empty(
    purchase: Purchase,
) -> None:
    # given / when: the purchase in the browser (sign-up, search, two products, checkout)
    # then
    assert purchase.status_shown == "PAID"
    assert purchase.order_number.startswith("MS-")
    assert purchase.cart_count_after == "0"
    assert purchase.cart_lines_after == 0
    assert purchase.gateway_requests > 0


def test_a_reload_keeps_the_shopper_signed_in_by_rotating_the_refresh_token(
    purchase: Purchase,
) -> None:
    # given / when: a reload right after signing up (in the purchase)
    # then: the page resumed the sign-in with a new refresh token
    assert purchase.refresh_token_rotated


def test_a_declined_card_shows_the_error_beside_the_card_and_keeps_the_cart(
    browser: Browser, web_stack: WebStack, admin_gateway: Gateway
) -> None:
    # given
    word = unique_word()
    product = admin_gateway.create_product(f"{word.capitalize()} Kettle", "39.00")
    app = web_stack.storefront.url
    with person(browser, web_stack.allowed_origins) as (context, watch):
        page = watch.open(context)
        sign_up(page, app)
        search(page, word)
        add_to_cart(page, product.name, quantity=2)

        # when
        check_out(page, "tok_chargeDeclined")

        # then
        card = page.locator("[data-field=paymentToken]")
        expect(card.get_by_role("alert")).to_contain_text("declined")
        expect(card.get_by_label("Test card")).to_have_attribute("aria-invalid", "true")
        assert "#/checkout" in page.url
        expect(page.get_by_test_id("cart-link")).to_contain_text("2")
        page.get_by_test_id("cart-link").click()
        line = page.get_by_test_id("cart-line")
        expect(line).to_have_count(1)
        expect(line).to_contain_text(product.name)
        assert cart_count(page) == "2"


def test_signing_up_with_a_taken_email_shows_the_error_beside_the_email_field(
    browser: Browser, web_stack: WebStack, purchase: Purchase
) -> None:
    # given: the shopper of the purchase has this e-mail already
    with person(browser, web_stack.allowed_origins) as (context, watch):
        page = watch.open(context)
        page.goto(f"{web_stack.storefront.url}#/signup")
        form = page.get_by_role("form", name="Create account")
        form.get_by_label("Name").fill("Someone Else")
        form.get_by_label("E-mail").fill(purchase.shopper.email)
        form.get_by_label("Password").fill("another good password")

        # when
        form.get_by_role("button", name="Create account").click()

        # then: the message sits in the e-mail field, which is marked invalid
        email = form.locator("[data-field=email]")
        expect(email.get_by_role("alert")).to_contain_text("already exists")
        expect(email.get_by_label("E-mail")).to_have_attribute("aria-invalid", "true")
        expect(form.locator("[data-field=password]").get_by_role("alert")).to_have_count(0)
        expect(page.get_by_role("navigation", name="Account")).to_contain_text("Sign in")
