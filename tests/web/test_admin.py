"""An administrator in the admin app, and what the shopper then sees."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.web.administrator import admin_sign_in, open_section, reload_until_visible
from tests.web.browser import person
from tests.web.conftest import Purchase, WebStack
from tests.web.graph import unique_word
from tests.web.shopper import Shopper, sign_in, sign_up


def test_admin_ships_the_order_and_the_shopper_sees_it_shipped_with_the_tracking_number(
    browser: Browser, web_stack: WebStack, purchase: Purchase, screenshots: Path
) -> None:
    stack = web_stack.stack
    tracking = f"1Z-{unique_word(10).upper()}"
    # given: the shopper's paid order, opened by an admin
    with person(browser, web_stack.allowed_origins) as (context, watch):
        page = watch.open(context)
        admin_sign_in(page, web_stack.admin.url, stack.admin_email, stack.admin_password)
        open_section(page, "Orders")
        page.get_by_label("Status").select_option("PAID")
        page.get_by_role("link", name=purchase.order_number).click()
        expect(page.get_by_test_id("admin-order")).to_contain_text(purchase.order_number)
        reload_until_visible(page, "form[aria-label='Ship order']")

        # when
        ship = page.get_by_role("form", name="Ship order")
        ship.get_by_label("Carrier").fill("UPS")
        ship.get_by_label("Tracking number").fill(tracking)
        ship.get_by_role("button", name="Ship order").click()

        # then
        shipment = page.get_by_test_id("shipment")
        expect(shipment.locator("[data-status=SHIPPED]").first).to_be_visible()
        expect(shipment).to_contain_text(tracking)
        reload_until_visible(page, "[data-testid=order-status] [data-status=SHIPPED]")
        page.screenshot(path=screenshots / "admin.png", full_page=True)

    with person(browser, web_stack.allowed_origins) as (context, watch):
        page = watch.open(context)
        order_page = f"#/orders/{purchase.order_id}"
        sign_in(page, web_stack.storefront.url, purchase.shopper, then=order_page)
        expect(page.get_by_test_id("order-page")).to_be_visible()
        reload_until_visible(page, "[data-testid=order-status] [data-status=SHIPPED]")
        expect(page.get_by_test_id("tracking-number")).to_have_text(tracking)
        page.screenshot(path=screenshots / "storefront-shipped.png", full_page=True)


def test_a_customer_opening_the_admin_app_is_refused_and_keeps_no_session_there(
    browser: Browser, web_stack: WebStack
) -> None:
    # given: a customer account
    with person(browser, web_stack.allowed_origins) as (context, watch):
        page = watch.open(context)
        customer: Shopper = sign_up(page, web_stack.storefront.url)

        # when
        admin_sign_in(page, web_stack.admin.url, customer.email, customer.password)

        # then
        expect(page.get_by_test_id("refused")).to_contain_text("not an administrator")
        expect(page.get_by_role("navigation", name="Sections")).to_have_count(0)
        stored = page.evaluate("() => window.sessionStorage.getItem('minishop.admin.refreshToken')")
        assert stored is None
        page.reload()
        expect(page.get_by_role("form", name="Sign in")).to_be_visible()
        expect(page.get_by_role("navigation", name="Sections")).to_have_count(0)
