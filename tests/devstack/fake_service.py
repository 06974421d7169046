"""Tiny ASGI apps standing in for a subgraph and the gateway in the stack's own tests.

They answer the readiness probes and report the environment and pid they were
started with, so a test can check what the stack handed each child.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

CRASH_MESSAGE = "fake failure: the subgraph lost its marbles"


def _app(ready_path: str) -> App:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["path"] == ready_path:
            status, body = 200, b"ready"
        elif scope["path"] == "/env":
            status = 200
            body = json.dumps({"pid": os.getpid(), "env": dict(os.environ)}).encode()
        else:
            status, body = 404, b"not found"
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": body})

    return app


def service_name() -> str | None:
    """Which service this process is: the one whose MINISHOP_SERVICE_<NAME>_URL has our port."""
    port = sys.argv[sys.argv.index("--port") + 1]
    for key, value in os.environ.items():
        if key.startswith("MINISHOP_SERVICE_") and value.endswith(f":{port}"):
            return key.removeprefix("MINISHOP_SERVICE_").removesuffix("_URL").lower()
    return None


def create_app() -> App:
    """A subgraph; it dies with exit code 3 soon after starting if FAKE_CRASH names it."""
    if os.environ.get("FAKE_CRASH") == service_name():

        def crash() -> None:
            print(CRASH_MESSAGE, file=sys.stderr, flush=True)
            os._exit(3)

        threading.Timer(1.0, crash).start()
    return _app("/health/ready")


def create_gateway() -> App:
    return _app("/readiness")
