"""Orders under test with every service it calls running for real beside it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.subgraphs.orders.support import Shop, running_shop
from tests.support.databases import DatabaseFactory


@pytest.fixture
async def shop(databases: DatabaseFactory, redis_url: str) -> AsyncIterator[Shop]:
    async with running_shop(databases, redis_url) as running:
        yield running
