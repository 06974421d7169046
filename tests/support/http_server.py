"""Serve an already started ASGI app on a real 127.0.0.1 port, for calls
between services that go over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from shared.devstack.process import free_port


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[str]:
    """Yields the base URL; the app's lifespan is the caller's (already running)."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_config=None)
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
