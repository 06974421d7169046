"""The embedded PostgreSQL server: a real server we start, stop and restart."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from shared.devstack.postgres import (
    EmbeddedPostgres,
    PostgresStartError,
    database_url,
    ensure_database,
)
from shared.devstack.process import free_port, port_is_free


def make_server(tmp_path: Path, *, durable: bool = False) -> EmbeddedPostgres:
    return EmbeddedPostgres(
        tmp_path / "pgdata", free_port(), tmp_path / "logs" / "postgres.log", durable=durable
    )


@pytest.fixture(scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[EmbeddedPostgres]:
    async with make_server(tmp_path_factory.mktemp("pg")) as running:
        yield running


async def test_restart_keeps_data_and_stop_frees_the_port(tmp_path: Path) -> None:
    pg = make_server(tmp_path, durable=True)
    await pg.start()
    try:
        connection = await asyncpg.connect(pg.url)
        await connection.execute("CREATE TABLE kept (value text)")
        await connection.execute("INSERT INTO kept VALUES ('survives a restart')")
        await connection.close()
    finally:
        await pg.stop()

    assert port_is_free(pg.port)
    await pg.start()
    try:
        connection = await asyncpg.connect(pg.url)
        assert await connection.fetchval("SELECT value FROM kept") == "survives a restart"
        await connection.close()
    finally:
        await pg.stop()
    assert port_is_free(pg.port)


async def test_server_listens_on_loopback_with_utf8_and_300_connections(
    server: EmbeddedPostgres,
) -> None:
    connection = await asyncpg.connect(server.url)
    try:
        assert await connection.fetchval("SHOW listen_addresses") == "127.0.0.1"
        assert await connection.fetchval("SHOW server_encoding") == "UTF8"
        assert await connection.fetchval("SHOW max_connections") == "300"
        # The builtin C.UTF-8 provider lowercases beyond ASCII.
        assert await connection.fetchval("SELECT lower('ÉCLAIR')") == "éclair"
    finally:
        await connection.close()


async def test_start_after_the_server_was_killed_leaves_no_stale_lock(tmp_path: Path) -> None:
    pg = make_server(tmp_path)
    await pg.start()
    assert pg.process is not None
    os.killpg(pg.process.pid, signal.SIGKILL)
    await pg.process.wait()
    assert (pg.data_dir / "postmaster.pid").exists()

    await pg.start()
    try:
        connection = await asyncpg.connect(pg.url)
        await connection.close()
    finally:
        await pg.stop()


async def test_start_ignores_a_pid_file_whose_pid_was_reused(tmp_path: Path) -> None:
    pg = make_server(tmp_path)
    await pg.start()
    await pg.stop()
    # Postgres alone refuses to start while the recorded pid is alive, even
    # when that pid now belongs to an unrelated process (here: this test).
    pid_file = pg.data_dir / "postmaster.pid"
    pid_file.write_text(f"{os.getpid()}\n{pg.data_dir}\n")

    await pg.start()
    try:
        assert pg.running
    finally:
        await pg.stop()


async def test_second_server_on_a_live_data_dir_is_refused(
    server: EmbeddedPostgres, tmp_path: Path
) -> None:
    other = EmbeddedPostgres(server.data_dir, free_port(), tmp_path / "other.log")
    with pytest.raises(PostgresStartError, match="already running"):
        await other.start()
    assert server.running


async def test_start_on_a_busy_port_says_so(server: EmbeddedPostgres, tmp_path: Path) -> None:
    pg = EmbeddedPostgres(tmp_path / "pgdata", server.port, tmp_path / "pg.log")
    with pytest.raises(PostgresStartError, match=f"port {server.port} is already in use"):
        await pg.start()


async def test_ensure_database_creates_once_even_when_racing(server: EmbeddedPostgres) -> None:
    results = await asyncio.gather(
        *(ensure_database(server.url, "minishop_race") for _ in range(5))
    )

    assert results.count(True) == 1
    assert await ensure_database(server.url, "minishop_race") is False
    connection = await asyncpg.connect(database_url(server.url, "minishop_race", driver=None))
    assert await connection.fetchval("SELECT current_database()") == "minishop_race"
    await connection.close()


async def test_ensure_database_accepts_sqlalchemy_style_urls(server: EmbeddedPostgres) -> None:
    url = server.url.replace("postgresql://", "postgresql+asyncpg://")

    assert await ensure_database(url, "minishop_sqlalchemy_url") is True


def test_database_url_swaps_database_and_driver_keeping_credentials_and_options() -> None:
    url = database_url("postgresql://u:p%40ss@db.internal:5432/postgres?sslmode=require", "shop")

    assert url == "postgresql+asyncpg://u:p%40ss@db.internal:5432/shop?sslmode=require"


def test_database_url_refuses_other_schemes() -> None:
    with pytest.raises(ValueError, match="not a PostgreSQL URL"):
        database_url("mysql://db/x", "shop")
