"""The orders service's parts, built once per app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.internal import InternalClient
from subgraphs.orders.clients import (
    AccountsClient,
    CartClient,
    CatalogClient,
    PaymentsClient,
    ShippingClient,
)
from subgraphs.orders.service.checkout import CheckoutPeers, CheckoutService
from subgraphs.orders.service.orders import OrderService
from subgraphs.orders.service.outcomes import PaymentOutcomes
from subgraphs.orders.service.payment import Charger
from subgraphs.orders.service.recovery import RecoveryService
from subgraphs.orders.service.settlement import StockSettler
from subgraphs.orders.settings import OrdersSettings


@dataclass(frozen=True, slots=True)
class OrdersServices:
    checkout: CheckoutService
    orders: OrderService
    recovery: RecoveryService
    payments: PaymentsClient
    settings: OrdersSettings

    @classmethod
    def build(
        cls,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: OrdersSettings,
        *,
        peers: InternalClient,
        charging: InternalClient,
    ) -> OrdersServices:
        """`peers` retries idempotent calls by itself; `charging` makes one attempt per
        call (the payments client judges each charge attempt)."""
        catalog = CatalogClient(peers.service("catalog"), settings.catalog_timeout_seconds)
        payments = PaymentsClient(
            peers.service("payments"),
            charging.service("payments"),
            attempts=settings.payments_attempts,
            timeout_seconds=settings.payments_timeout_seconds,
        )
        stock = StockSettler(sessionmaker, catalog)
        outcomes = PaymentOutcomes(sessionmaker, payments, stock)
        checkout = CheckoutService(
            sessionmaker,
            CheckoutPeers(
                cart=CartClient(peers.service("cart"), settings.cart_timeout_seconds),
                catalog=catalog,
                shipping=ShippingClient(
                    peers.service("shipping"), settings.shipping_timeout_seconds
                ),
                accounts=AccountsClient(
                    peers.service("accounts"), settings.accounts_timeout_seconds
                ),
            ),
            Charger(sessionmaker, payments, outcomes),
            currency=settings.store_currency,
            reservation_ttl_seconds=settings.reservation_ttl_seconds,
            wait_seconds=settings.checkout_wait_seconds,
            poll_seconds=settings.checkout_poll_seconds,
        )
        return cls(
            checkout=checkout,
            orders=OrderService(sessionmaker, payments, stock),
            recovery=RecoveryService(
                sessionmaker,
                payments=payments,
                catalog=catalog,
                stock=stock,
                after=timedelta(seconds=settings.recovery_after_seconds),
                batch=settings.recovery_batch,
            ),
            payments=payments,
            settings=settings,
        )
