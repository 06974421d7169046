"""The browser tests: both built apps, a whole stack, and Debian's Chromium.

The apps are served by static servers of the test's own (web/*/dist, built
with `npm ci && npm run build` in web/), started first so the stack's gateway
can be given their origins for CORS (MINISHOP_CORS_ORIGINS). The stack is
the real `minishop up`, as in the end-to-end suite. Without Chromium or the
builds, every test here skips with the reason.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from shared.devstack.config import REPO_ROOT
from tests.devstack.launch import LaunchedStack, StackPorts, launch
from tests.e2e.conftest import E2E_ENV, MINISHOP, READY_LIMIT_SECONDS, Stack, describe, stop_stack
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, origin, person
from tests.web.graph import Gateway, Product, unique_word
from tests.web.shopper import (
    Shopper,
    add_to_cart,
    cart_count,
    check_out,
    refresh_token,
    search,
    sign_up,
)
from tests.web.static import StaticApp, serve_app

HERE = Path(__file__).parent
WEB = REPO_ROOT / "web"
APPS = ("storefront", "admin")
SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    for app in APPS:
        if not (WEB / app / "dist" / "index.html").exists():
            return f"web/{app} is not built (cd web && npm ci && npm run build)"
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that open a browser on the stack are e2e, and skip without Chromium or builds."""
    ours = [
        item
        for item in items
        if HERE in item.path.parents and "web_stack" in getattr(item, "fixturenames", ())
    ]
    reason = _missing() if ours else None
    for item in ours:
        item.add_marker(pytest.mark.e2e)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@dataclass(frozen=True, slots=True)
class WebStack:
    stack: Stack
    storefront: StaticApp
    admin: StaticApp

    @property
    def allowed_origins(self) -> frozenset[str]:
        """The stack: both apps and the gateway. The browser may reach nothing else."""
        gateway = origin(self.stack.gateway_url)
        return frozenset({self.storefront.origin, self.admin.origin, gateway})


# The stack's ports are picked free, but on a shared machine another process
# may bind one before the stack does; that start is tried again on new ports.
START_ATTEMPTS = 3
PORT_TAKEN = "address already in use"


def _start_stack(root: Path, env: dict[str, str]) -> LaunchedStack:
    attempt = 1
    while True:
        launched = launch(
            [str(MINISHOP), "up", "--throwaway-data"],
            root / f"home-{attempt}",
            StackPorts.pick(),
            cwd=REPO_ROOT,
            extra_env=env,
        )
        try:
            launched.wait_ready(READY_LIMIT_SECONDS)
            return launched
        except AssertionError:
            if attempt == START_ATTEMPTS or PORT_TAKEN not in launched.diagnostics():
                raise
            attempt += 1


@pytest.fixture(scope="session")
def web_stack() -> Iterator[WebStack]:
    # The stack's home lies outside pytest's basetemp, which another pytest run
    # on the machine may chmod 0700 under the stack's Postgres (it runs as
    # another user); the same reason as the servers in tests/conftest.py.
    root = Path(tempfile.mkdtemp(prefix="minishop-web-stack-"))
    with ExitStack() as resources:
        resources.callback(shutil.rmtree, root, ignore_errors=True)
        storefront = resources.enter_context(serve_app(WEB / "storefront" / "dist"))
        admin = resources.enter_context(serve_app(WEB / "admin" / "dist"))
        env = {**E2E_ENV, "MINISHOP_CORS_ORIGINS": f"{storefront.origin},{admin.origin}"}
        launched = _start_stack(root, env)
        try:
            stack = describe(launched)
            storefront.configure(stack.gateway_url)
            admin.configure(stack.gateway_url)
            yield WebStack(stack, storefront, admin)
        finally:
            stop_stack(launched)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def admin_gateway(web_stack: WebStack) -> Iterator[Gateway]:
    """The stack's admin, signed in through the gateway, for setting up products."""
    gateway = Gateway(web_stack.stack.gateway_url)
    try:
        gateway.sign_in(web_stack.stack.admin_email, web_stack.stack.admin_password)
        yield gateway
    finally:
        gateway.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@dataclass(frozen=True, slots=True)
class Purchase:
    """A shopper's checkout in the browser, and what the storefront showed after it."""

    shopper: Shopper
    products: tuple[Product, Product]
    order_id: str
    order_number: str
    status_shown: str
    cart_count_after: str
    cart_lines_after: int
    refresh_token_rotated: bool
    gateway_requests: int


@pytest.fixture(scope="session")
def purchase(
    browser: Browser, web_stack: WebStack, admin_gateway: Gateway, screenshots: Path
) -> Purchase:
    """Sign up, search, add two products, check out with tok_visa (all in the storefront)."""
    word = unique_word()
    products = (
        admin_gateway.create_product(f"{word.capitalize()} Teapot", "24.50"),
        admin_gateway.create_product(f"{word.capitalize()} Tea Cups", "12.25"),
    )
    app = web_stack.storefront.url
    with person(browser, web_stack.allowed_origins) as (context, watch):
        page = watch.open(context)
        page.goto(app)
        expect(page.get_by_test_id("product-grid")).to_be_visible()
        shopper = sign_up(page, app)

        # The access token lives in memory only: a reload resumes the sign-in
        # from the tab's refresh token, which rotates.
        token_before = refresh_token(page)
        page.reload()
        expect(page.get_by_role("navigation", name="Account")).to_contain_text(shopper.name)
        token_after = refresh_token(page)
        expect(page.get_by_test_id("product-card").first).to_be_visible()
        page.screenshot(path=screenshots / "storefront.png")

        search(page, word)
        expect(page.get_by_test_id("product-card")).to_have_count(2)
        page.screenshot(path=screenshots / "storefront-search.png")
        add_to_cart(page, products[0].name)
        page.go_back()
        expect(page.get_by_test_id("product-card")).to_have_count(2)
        add_to_cart(page, products[1].name, quantity=2)
        expect(page.get_by_test_id("cart-link")).to_contain_text("3")

        check_out(page, "tok_visa")
        expect(page.get_by_test_id("order-page")).to_be_visible()
        status = page.get_by_test_id("order-status").inner_text()
        number = page.get_by_test_id("order-number").inner_text()
        order_id = page.url.split("#/orders/", 1)[1].split("?", 1)[0]
        page.screenshot(path=screenshots / "storefront-order.png", full_page=True)
        count_after = cart_count(page)
        page.get_by_test_id("cart-link").click()
        expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
        lines_after = page.get_by_test_id("cart-line").count()
        requests = len(watch.gateway_requests(web_stack.stack.gateway_url))
    return Purchase(
        shopper=shopper,
        products=products,
        order_id=order_id,
        order_number=number,
        status_shown=status,
        cart_count_after=count_after,
        cart_lines_after=lines_after,
        refresh_token_rotated=token_before is not None and token_after not in (None, token_before),
        gateway_requests=requests,
    )
