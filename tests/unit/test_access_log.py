"""Uvicorn's `--no-access-log` holds once the service's JSON logging is set up."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from uvicorn.config import Config

from shared.observability.logging import configure_logging

ACCESS = logging.getLogger("uvicorn.access")


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root, access = logging.getLogger(), ACCESS
    saved = (root.handlers[:], root.level, access.handlers[:], access.propagate)
    yield
    root.handlers[:], level, access.handlers[:], access.propagate = saved
    root.setLevel(level)


@pytest.mark.parametrize(("access_log", "written"), [(False, False), (True, True)])
def test_access_lines_follow_uvicorns_flag(access_log: bool, written: bool) -> None:
    # Given uvicorn's logging set up as its command line does (the app factory runs after)
    Config(app="subgraphs.catalog.app:create_app", factory=True, access_log=access_log)

    # When the service routes logging to its JSON handler
    configure_logging("catalog")

    # Then uvicorn's protocols (which ask `hasHandlers()`) log access lines only when asked to
    assert ACCESS.hasHandlers() is written
