"""The shipping service's parts, built once per app and kept on its state."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from subgraphs.shipping.service.methods import ShippingMethods
from subgraphs.shipping.service.shipments import ShipmentService
from subgraphs.shipping.settings import ShippingSettings


@dataclass(frozen=True, slots=True)
class ShippingServices:
    methods: ShippingMethods
    shipments: ShipmentService

    @classmethod
    def build(
        cls, sessionmaker: async_sessionmaker[AsyncSession], settings: ShippingSettings
    ) -> ShippingServices:
        return cls(
            methods=ShippingMethods.from_settings(settings),
            shipments=ShipmentService(sessionmaker),
        )
