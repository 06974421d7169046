"""Debian's Chromium driven by Playwright, and a watch on what each page does.

Playwright's own browser download is not available here, so the tests launch
/usr/bin/chromium with the flags that keep it off the network: without them
it tries Google's hosts at every start.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Route, ViewportSize

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 860}


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class Watch:
    """Every request a context makes and every console error its pages log.

    Requests to any origin but the stack's (the two apps and the gateway) are
    refused before they leave, and recorded: the tests assert there are none.
    """

    allowed: frozenset[str]
    foreign: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        context.route("**/*", self._route)

    def open(self, context: BrowserContext) -> Page:
        """A new page of `context`, its console watched from the start."""
        page = context.new_page()
        page.set_default_timeout(15_000)
        self._page(page)
        return page

    def _route(self, route: Route) -> None:
        url = route.request.url
        self.requests.append(url)
        if origin(url) in self.allowed:
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort("blockedbyclient")

    def _page(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(f"page error: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def gateway_requests(self, gateway_url: str) -> list[str]:
        return [url for url in self.requests if url.startswith(gateway_url)]

    def check(self) -> None:
        assert self.foreign == [], f"requests outside the stack: {self.foreign}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"


@contextmanager
def person(browser: Browser, allowed: frozenset[str]) -> Iterator[tuple[BrowserContext, Watch]]:
    """A browser context of its own (storage, cookies), watched; checked when it closes."""
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    watch = Watch(allowed)
    watch.attach(context)
    try:
        yield context, watch
    finally:
        context.close()
    watch.check()
