"""What the catalog resolvers share."""

from __future__ import annotations

from typing import Any

from strawberry.types import Info

from shared.graphql.context import RequestContext
from subgraphs.catalog.service import CatalogServices


def services(info: Info[RequestContext, Any]) -> CatalogServices:
    return info.context.parts_as(CatalogServices)
