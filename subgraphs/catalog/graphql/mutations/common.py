"""What every catalog mutation resolver needs."""

from __future__ import annotations

from typing import Any

import strawberry

from subgraphs.catalog.graphql.types import CatalogInfo
from subgraphs.catalog.service import CatalogServices
from subgraphs.catalog.service.validation import KEEP


def services(info: CatalogInfo) -> CatalogServices:
    return info.context.parts_as(CatalogServices)


def given(value: Any) -> Any:
    """A field left out of an update input (UNSET) becomes KEEP for the service."""
    return KEEP if value is strawberry.UNSET else value
