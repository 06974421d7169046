"""An administrator's catalogue and partner work in the admin app."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.web.administrator import admin_sign_in, open_section
from tests.web.browser import person
from tests.web.conftest import WebStack
from tests.web.graph import unique_word


def test_admin_creates_a_product_adjusts_its_stock_and_archives_it(
    browser: Browser, web_stack: WebStack
) -> None:
    stack = web_stack.stack
    name = f"{unique_word().capitalize()} Lamp"
    with person(browser, web_stack.allowed_origins) as (context, watch):
        page = watch.open(context)
        admin_sign_in(page, web_stack.admin.url, stack.admin_email, stack.admin_password)
        # given: a product created in the form
        form = page.get_by_role("form", name="New product")
        form.get_by_label("SKU").fill(f"LAMP-{unique_word(6).upper()}")
        form.get_by_label("Name").fill(name)
        form.get_by_label("Price").fill("31.90")
        form.get_by_label("Initial stock").fill("4")
        form.get_by_role("button", name="Create product").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        expect(page.get_by_test_id("stock")).to_have_text("4")

        # when: six more units, for a reason
        adjust = page.get_by_role("form", name="Adjust stock")
        adjust.get_by_label("Change (units, negative removes)").fill("6")
        adjust.get_by_label("Reason").fill("delivery from the supplier")
        adjust.get_by_role("button", name="Adjust").click()

        # then: the stock and its trail say so
        expect(page.get_by_test_id("stock")).to_have_text("10")
        expect(page.get_by_role("table").last).to_contain_text("delivery from the supplier")

        # when / then: archived, it says so and offers no archive button
        page.get_by_role("button", name="Archive product").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("ARCHIVED")
        expect(page.get_by_role("button", name="Archive product")).to_have_count(0)


def test_a_price_the_catalog_refuses_is_shown_beside_the_price_field(
    browser: Browser, web_stack: WebStack
) -> None:
    stack = web_stack.stack
    with person(browser, web_stack.allowed_origins) as (context, watch):
        page = watch.open(context)
        admin_sign_in(page, web_stack.admin.url, stack.admin_email, stack.admin_password)
        form = page.get_by_role("form", name="New product")
        form.get_by_label("SKU").fill(f"BAD-{unique_word(6).upper()}")
        form.get_by_label("Name").fill("Free lunch")

        # when: a negative price
        form.get_by_label("Price").fill("-1.00")
        form.get_by_role("button", name="Create product").click()

        # then
        price = form.locator("[data-field=price]")
        expect(price.get_by_role("alert")).to_be_visible()
        expect(form.locator("[data-field=sku]").get_by_role("alert")).to_have_count(0)


def test_admin_creates_an_api_client_sees_its_secret_once_and_revokes_it(
    browser: Browser, web_stack: WebStack
) -> None:
    stack = web_stack.stack
    name = f"Partner {unique_word()}"
    with person(browser, web_stack.allowed_origins) as (context, watch):
        page = watch.open(context)
        admin_sign_in(page, web_stack.admin.url, stack.admin_email, stack.admin_password)
        open_section(page, "API clients")

        # when
        form = page.get_by_role("form", name="New API client")
        form.get_by_label("Name").fill(name)
        form.get_by_role("button", name="Create client").click()

        # then: the secret is shown, once
        secret = page.get_by_test_id("client-secret")
        expect(secret).to_contain_text("not shown again")
        assert len(secret.locator(".secret").inner_text().strip()) >= 16
        row = page.get_by_role("row").filter(has_text=name)
        expect(row).to_have_count(1)
        page.reload()
        expect(page.get_by_test_id("client-secret")).to_have_count(0)

        # when / then: revoked, the row says so
        page.get_by_role("row").filter(has_text=name).get_by_role("button", name="Revoke").click()
        expect(page.get_by_role("row").filter(has_text=name)).to_contain_text("Revoked")
