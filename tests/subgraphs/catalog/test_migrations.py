"""The migrations build exactly the tables the models declare: autogenerate finds nothing."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from subgraphs.catalog.models import Base
from tests.support.services import RunningService


def _differences(connection: Connection) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


async def test_catalog_models_match_the_migrated_database(catalog: RunningService) -> None:
    assert catalog.state.engine is not None
    async with catalog.state.engine.connect() as connection:
        assert await connection.run_sync(_differences) == []
