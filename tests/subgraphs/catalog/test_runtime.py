"""The service app's process settings, seen through the catalog: the same factory runs all seven."""

from __future__ import annotations

import gc

from shared.services import service
from tests.subgraphs.catalog.conftest import CATALOG_ENV
from tests.support.databases import DatabaseFactory
from tests.support.services import running_service


async def test_start_up_objects_are_frozen_while_the_app_serves(
    databases: DatabaseFactory, redis_url: str
) -> None:
    spec = service("catalog")
    url = await databases.create(spec)
    try:
        async with running_service(spec, database_url=url, redis_url=redis_url, env=CATALOG_ENV):
            # The schema, the engine and the rest are out of full collections' way.
            assert gc.get_freeze_count() > 50_000
        assert gc.get_freeze_count() == 0
    finally:
        await databases.drop(url)
