"""The dashboard's connections-in-use gauge follows the engine's pool."""

from __future__ import annotations

from prometheus_client import REGISTRY

from tests.support.databases import platform_engine


def _in_use() -> float | None:
    return REGISTRY.get_sample_value("minishop_db_pool_checked_out", {"service": "pooltest"})


async def test_checked_out_connections_are_counted(postgres_url: str) -> None:
    engine = platform_engine(postgres_url, "pooltest")
    try:
        async with engine.connect() as first, engine.connect() as second:
            await first.exec_driver_sql("SELECT 1")
            await second.exec_driver_sql("SELECT 1")
            assert _in_use() == 2
        assert _in_use() == 0
    finally:
        await engine.dispose()
