"""The body of every service's `migrations/env.py`, written once.

A service's env.py is two lines: import its metadata and call `run(metadata)`.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.sql.schema import MetaData


def _configure_and_run(connection: Connection, metadata: MetaData) -> None:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


# Replicas starting together (init containers) migrate one at a time: the
# others wait on this lock, then find nothing left to do.
MIGRATION_LOCK_SQL = "SELECT pg_advisory_lock(hashtext('minishop-migrations'))"


async def _run_online(url: str, metadata: MetaData) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            await connection.execute(text(MIGRATION_LOCK_SQL))
            await connection.commit()
            await connection.run_sync(_configure_and_run, metadata)
    finally:
        await engine.dispose()


def run(metadata: MetaData) -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no sqlalchemy.url in the Alembic config")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url, metadata))
