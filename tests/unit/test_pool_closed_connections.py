"""A pooled connection the server ended is never handed to a request."""

from __future__ import annotations

import asyncio

import asyncpg
from sqlalchemy import text

from shared.db.urls import asyncpg_url
from tests.support.databases import platform_engine

BACKEND_PID = text("SELECT pg_backend_pid()")


async def test_connections_the_server_ended_are_replaced_at_checkout(postgres_url: str) -> None:
    engine = platform_engine(postgres_url, "poolclosed")
    try:
        # Given two pooled connections, idle
        async with engine.connect() as first, engine.connect() as second:
            ended = {await first.scalar(BACKEND_PID), await second.scalar(BACKEND_PID)}

        # When the server ends both sessions, as a restart or an administrator would
        admin = await asyncpg.connect(asyncpg_url(postgres_url))
        try:
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", list(ended)
            )
        finally:
            await admin.close()
        await asyncio.sleep(0.2)  # the event loop reads the end of each socket

        # Then the next requests get live connections, not an error
        async with engine.connect() as again, engine.connect() as other:
            fresh = {await again.scalar(BACKEND_PID), await other.scalar(BACKEND_PID)}
        assert len(fresh) == 2
        assert fresh.isdisjoint(ended)
    finally:
        await engine.dispose()
