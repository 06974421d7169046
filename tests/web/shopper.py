"""What a shopper does in the storefront, step by step, as a person would."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page, expect

from tests.web.graph import unique_word

PASSWORD = "a good password"
ADDRESS = {
    "Full name": "Ada Shopper",
    "Address line 1": "1 Market Street",
    "City": "Springfield",
    "Postal code": "12345",
    "Country": "US",
}


@dataclass(frozen=True, slots=True)
class Shopper:
    name: str
    email: str
    password: str = PASSWORD


def refresh_token(page: Page) -> str | None:
    token = page.evaluate("() => window.sessionStorage.getItem('minishop.storefront.refreshToken')")
    return token if isinstance(token, str) else None


def sign_up(page: Page, app_url: str) -> Shopper:
    shopper = Shopper(name="Ada Shopper", email=f"ada-{unique_word(10)}@example.com")
    page.goto(f"{app_url}#/signup")
    form = page.get_by_role("form", name="Create account")
    form.get_by_label("Name").fill(shopper.name)
    form.get_by_label("E-mail").fill(shopper.email)
    form.get_by_label("Password").fill(shopper.password)
    form.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("navigation", name="Account")).to_contain_text(shopper.name)
    return shopper


def sign_in(page: Page, app_url: str, shopper: Shopper, then: str = "#/") -> None:
    page.goto(f"{app_url}#/signin?next={then.replace('#', '%23')}")
    form = page.get_by_role("form", name="Sign in")
    form.get_by_label("E-mail").fill(shopper.email)
    form.get_by_label("Password").fill(shopper.password)
    form.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Account")).to_contain_text(shopper.name)


def search(page: Page, words: str) -> None:
    box = page.get_by_role("searchbox", name="Search products")
    box.fill(words)
    box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(words)


def add_to_cart(page: Page, product_name: str, quantity: int = 1) -> None:
    """From a list of products: open one and add it."""
    page.get_by_test_id("product-grid").get_by_role("link", name=product_name).click()
    product = page.get_by_test_id("product-page")
    expect(product.get_by_role("heading", level=1)).to_have_text(product_name)
    product.get_by_label("Quantity").fill(str(quantity))
    product.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status")).to_contain_text("Added to your cart")


def cart_count(page: Page) -> str:
    return page.get_by_test_id("cart-link").locator(".cart-count").inner_text()


def check_out(page: Page, card_token: str) -> None:
    """From the cart: a new address, the first shipping method, a test card; place the order."""
    page.get_by_test_id("cart-link").click()
    page.get_by_role("link", name="Checkout").click()
    form = page.get_by_role("form", name="Checkout")
    expect(form).to_be_visible()
    for label, value in ADDRESS.items():
        form.get_by_label(label, exact=True).fill(value)
    expect(form.locator("input[name=shippingMethod]").first).to_be_checked()
    form.get_by_label("Test card").select_option(card_token)
    form.get_by_role("button", name="Place order").click()
