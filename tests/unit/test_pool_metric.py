"""The dashboard's connections-in-use gauge follows the engine's pool."""

from __future__ import annotations

from prometheus_client import REGISTRY
from pydantic_settings import SettingsConfigDict
from sqlalchemy.engine import make_url

from shared.db.engine import create_engine
from shared.settings import ServiceSettings


class _ShopSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="POOLTEST_", extra="ignore")


def _in_use() -> float | None:
    return REGISTRY.get_sample_value("minishop_db_pool_checked_out", {"service": "pooltest"})


async def test_checked_out_connections_are_counted(postgres_url: str) -> None:
    url = make_url(postgres_url).set(drivername="postgresql+asyncpg")
    settings = _ShopSettings(database_url=url.render_as_string(hide_password=False))
    engine = create_engine(settings)
    try:
        async with engine.connect() as first, engine.connect() as second:
            await first.exec_driver_sql("SELECT 1")
            await second.exec_driver_sql("SELECT 1")
            assert _in_use() == 2
        assert _in_use() == 0
    finally:
        await engine.dispose()
