"""The built apps on a tiny static server of the test's own, one port per app.

Each server also answers `/config.json` with the gateway of the stack under
test, so one build serves any stack (the apps read it at start-up).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class _AppHandler(SimpleHTTPRequestHandler):
    config_body: bytes = b"{}"

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] == "/config.json":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(self.config_body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(self.config_body)
            return
        super().do_GET()

    def end_headers(self) -> None:
        if not self.path.startswith("/config.json"):
            self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the browser's requests are checked by the tests, not logged."""


@dataclass
class StaticApp:
    """A built app served on 127.0.0.1; `origin` is what the gateway's CORS must allow."""

    root: Path
    server: ThreadingHTTPServer
    handler: type[_AppHandler]
    thread: threading.Thread = field(repr=False)

    @property
    def origin(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def url(self) -> str:
        return f"{self.origin}/"

    def configure(self, gateway_url: str, persisted_queries: str = "hash-and-body") -> None:
        """What the app reads from config.json (before any page is opened)."""
        body = {"gatewayUrl": gateway_url, "persistedQueries": persisted_queries}
        self.handler.config_body = json.dumps(body).encode()


@contextmanager
def serve_app(root: Path) -> Iterator[StaticApp]:
    """Serve the folder `root` (a Vite dist/) on a free port until the block ends."""
    # A class per server: each app has its own config.json.
    handler = type("AppHandler", (_AppHandler,), {"config_body": b"{}"})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"static {root.name}", daemon=True)
    thread.start()
    try:
        yield StaticApp(root, server, handler, thread)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
