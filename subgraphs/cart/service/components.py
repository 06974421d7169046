"""The cart's services, built once per app: the service's parts."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from subgraphs.cart.repository import CartStore
from subgraphs.cart.service.cart import CartService, ProductDirectory
from subgraphs.cart.settings import CartSettings


@dataclass(frozen=True, slots=True)
class CartServices:
    carts: CartService

    @classmethod
    def build(
        cls, redis: Redis, products: ProductDirectory, settings: CartSettings
    ) -> CartServices:
        store = CartStore(redis, ttl_seconds=settings.ttl_seconds)
        return cls(carts=CartService(store, products, settings))
