"""The migrations build exactly the tables the models declare: autogenerate finds nothing."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, MetaData

from subgraphs.accounts.models import Base as AccountsBase
from tests.support.services import RunningService


def _differences(metadata: MetaData) -> Any:
    def compare(connection: Connection) -> list[Any]:
        return list(compare_metadata(MigrationContext.configure(connection), metadata))

    return compare


async def test_accounts_models_match_the_migrated_database(accounts: RunningService) -> None:
    assert accounts.state.engine is not None
    async with accounts.state.engine.connect() as connection:
        assert await connection.run_sync(_differences(AccountsBase.metadata)) == []
