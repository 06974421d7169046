"""Business rules of the catalog: each service owns its transactions and events."""

from subgraphs.catalog.service.components import CatalogServices

__all__ = ["CatalogServices"]
