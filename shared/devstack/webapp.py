"""`python -m shared.devstack.webapp`: one built web app (web/<app>/dist) for the local stack.

    python -m shared.devstack.webapp --host 127.0.0.1 --http-port 4030 \
        --dir web/storefront/dist --gateway-url http://127.0.0.1:4000/graphql

Serves the static files, `/config.json` (the gateway the app talks to: one build
serves any stack) and `/health/ready`. A missing build is reported, not hidden:
the page says to run `make up` (which builds the apps first).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The apps load nothing from elsewhere; only the gateway is called.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src {gateway}"
)


class _Headers:
    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = [(k.encode(), v.encode()) for k, v in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.headers]
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(root: Path, gateway_url: str) -> ASGIApp:
    config = {"gatewayUrl": gateway_url, "persistedQueries": "hash-and-body"}

    async def config_json(_request: Request) -> Response:
        return JSONResponse(config, headers={"Cache-Control": "no-store"})

    async def ready(_request: Request) -> Response:
        return JSONResponse({"status": "ready"})

    async def not_built(_request: Request) -> Response:
        return PlainTextResponse(f"{root} is not built: run `make up` (or make web).", 503)

    routes: list[BaseRoute] = [Route("/config.json", config_json), Route("/health/ready", ready)]
    if (root / "index.html").exists():
        routes.append(Mount("/", StaticFiles(directory=root, html=True)))
    else:
        routes.append(Route("/{path:path}", not_built))
    origin = gateway_url.split("/graphql", 1)[0]
    return _Headers(
        Starlette(routes=routes),
        {
            "Content-Security-Policy": CSP.format(gateway=origin),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m shared.devstack.webapp")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--gateway-url", required=True)
    args = parser.parse_args(argv)
    app = create_app(args.dir.resolve(), args.gateway_url)
    uvicorn.run(app, host=args.host, port=args.http_port, log_level="warning")


if __name__ == "__main__":
    main()
