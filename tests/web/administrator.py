"""What an administrator does in the admin app, and waiting on what events bring."""

from __future__ import annotations

from playwright.sync_api import Page

# Shipments follow paid orders, and orders follow shipments, through events.
EVENT_WAIT_MS = 20_000


def admin_sign_in(page: Page, app_url: str, email: str, password: str) -> None:
    page.goto(app_url)
    form = page.get_by_role("form", name="Sign in")
    form.get_by_label("E-mail").fill(email)
    form.get_by_label("Password").fill(password)
    form.get_by_role("button", name="Sign in").click()


def open_section(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Sections").get_by_role("link", name=name).click()


def reload_until_visible(page: Page, selector: str, timeout_ms: int = EVENT_WAIT_MS) -> None:
    """Reload until `selector` shows up: the page shows state that an event brings."""
    deadline = page.evaluate("Date.now()") + timeout_ms
    while page.locator(selector).count() == 0:
        if page.evaluate("Date.now()") > deadline:
            raise AssertionError(f"{selector} did not appear within {timeout_ms} ms")
        page.wait_for_timeout(500)
        page.reload()
        page.wait_for_load_state("networkidle")
