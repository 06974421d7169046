"""The shopper's account page: a saved address used at checkout, notification preferences."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.web.browser import person
from tests.web.conftest import WebStack
from tests.web.graph import Gateway, unique_word
from tests.web.shopper import ADDRESS, add_to_cart, search, sign_up


def test_a_saved_address_is_offered_at_checkout_and_the_order_ships_there(
    browser: Browser, web_stack: WebStack, admin_gateway: Gateway
) -> None:
    # given: a shopper who saves an address in the account page
    word = unique_word()
    product = admin_gateway.create_product(f"{word.capitalize()} Blanket", "45.00")
    app = web_stack.storefront.url
    with person(browser, web_stack.allowed_origins) as (context, watch):
        page = watch.open(context)
        sign_up(page, app)
        page.goto(f"{app}#/account")
        form = page.get_by_role("form", name="New address")
        for label, value in {**ADDRESS, "Address line 1": "7 Saved Lane"}.items():
            form.get_by_label(label, exact=True).fill(value)
        form.get_by_role("button", name="Add address").click()
        expect(page.get_by_test_id("address")).to_contain_text("7 Saved Lane")

        # when: checking out with the address offered
        search(page, word)
        add_to_cart(page, product.name)
        page.get_by_test_id("cart-link").click()
        page.get_by_role("link", name="Checkout").click()
        checkout = page.get_by_role("form", name="Checkout")
        expect(checkout.get_by_role("radio", name="7 Saved Lane", exact=False)).to_be_checked()
        checkout.get_by_label("Test card").select_option("tok_mastercard")
        checkout.get_by_role("button", name="Place order").click()

        # then
        expect(page.get_by_test_id("order-status")).to_have_text("PAID")
        expect(page.get_by_test_id("order-page")).to_contain_text("7 Saved Lane")


def test_a_bad_address_shows_each_error_beside_its_field_and_saves_nothing(
    browser: Browser, web_stack: WebStack
) -> None:
    # given
    app = web_stack.storefront.url
    with person(browser, web_stack.allowed_origins) as (context, watch):
        page = watch.open(context)
        sign_up(page, app)
        page.goto(f"{app}#/account")
        form = page.get_by_role("form", name="New address")
        for label, value in {**ADDRESS, "Country": "Atlantis"}.items():
            form.get_by_label(label, exact=True).fill(value)

        # when
        form.get_by_role("button", name="Add address").click()

        # then
        country = form.locator("[data-field=country]")
        expect(country.get_by_role("alert")).to_be_visible()
        country_input = country.get_by_label("Country", exact=True)
        expect(country_input).to_have_attribute("aria-invalid", "true")
        expect(form.locator("[data-field=city]").get_by_role("alert")).to_have_count(0)
        expect(page.get_by_test_id("address")).to_have_count(0)


def test_notification_preferences_are_saved_and_shown_again(
    browser: Browser, web_stack: WebStack
) -> None:
    # given
    app = web_stack.storefront.url
    with person(browser, web_stack.allowed_origins) as (context, watch):
        page = watch.open(context)
        sign_up(page, app)
        page.goto(f"{app}#/account")
        form = page.get_by_role("form", name="Notification preferences")
        expect(form.get_by_label("E-mail me about my orders")).to_be_checked()

        # when
        form.get_by_label("E-mail me about my orders").uncheck()
        form.get_by_role("button", name="Save preferences").click()
        expect(form).to_contain_text("Saved.")
        page.reload()

        # then
        form = page.get_by_role("form", name="Notification preferences")
        expect(form.get_by_label("E-mail me about my orders")).not_to_be_checked()
        expect(page.get_by_role("heading", name="Messages we sent you")).to_be_visible()
