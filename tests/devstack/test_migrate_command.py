"""`minishop migrate <service>`: the prestart step of containers and pods."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from pathlib import Path

import asyncpg

from shared.devstack.postgres import database_url, ensure_database

MINISHOP = Path(sys.executable).with_name("minishop")


async def _migrate(url: str, *extra: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        str(MINISHOP),
        "migrate",
        "catalog",
        *extra,
        env={**os.environ, "CATALOG_DATABASE_URL": url, "MINISHOP_LOG_LEVEL": "WARNING"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode()


async def test_replicas_migrating_at_once_all_succeed_and_seeding_is_idempotent(
    postgres_url: str,
) -> None:
    name = f"migrate_{uuid.uuid4().hex[:10]}"
    await ensure_database(postgres_url, name)
    url = database_url(postgres_url, name)

    results = await asyncio.gather(_migrate(url, "--seed"), _migrate(url, "--seed"))
    again = await _migrate(url, "--seed")

    assert [code for code, _ in (*results, again)] == [0, 0, 0], results
    connection = await asyncpg.connect(database_url(postgres_url, name, driver=None))
    try:
        assert await connection.fetchval("SELECT count(*) FROM products") == 240
        assert await connection.fetchval("SELECT version_num FROM alembic_version")
    finally:
        await connection.close()


async def test_without_a_database_url_it_says_what_to_set() -> None:
    code, output = await _migrate("")
    assert code == 1
    assert "CATALOG_DATABASE_URL" in output
