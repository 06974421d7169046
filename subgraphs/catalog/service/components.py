"""The catalog's services, built once per app: the service's parts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from subgraphs.catalog.service.browsing import BrowsingService
from subgraphs.catalog.service.categories import CategoryService
from subgraphs.catalog.service.products import ProductService
from subgraphs.catalog.service.reservations import ReservationService
from subgraphs.catalog.service.stock import StockService
from subgraphs.catalog.settings import CatalogSettings


@dataclass(frozen=True, slots=True)
class CatalogServices:
    products: ProductService
    categories: CategoryService
    stock: StockService
    reservations: ReservationService
    browsing: BrowsingService

    @classmethod
    def build(
        cls, sessionmaker: async_sessionmaker[AsyncSession], settings: CatalogSettings
    ) -> CatalogServices:
        return cls(
            products=ProductService(sessionmaker),
            categories=CategoryService(sessionmaker),
            stock=StockService(sessionmaker),
            reservations=ReservationService(
                sessionmaker,
                default_ttl=timedelta(seconds=settings.reservation_ttl_seconds),
                max_ttl=timedelta(seconds=settings.reservation_max_ttl_seconds),
                sweep_batch=settings.reservation_sweep_batch,
            ),
            browsing=BrowsingService(sessionmaker),
        )
