"""What every catalog mutation resolver needs."""

from __future__ import annotations

from typing import Any

import strawberry

from subgraphs.catalog.graphql.common import services
from subgraphs.catalog.service.validation import KEEP

__all__ = ["given", "services"]


def given(value: Any) -> Any:
    """A field left out of an update input (UNSET) becomes KEEP for the service."""
    return KEEP if value is strawberry.UNSET else value
