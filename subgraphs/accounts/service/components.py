"""The accounts' services, built once per app: the service's parts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.ratelimit import SlidingWindowLimiter
from subgraphs.accounts.service.addresses import AddressService
from subgraphs.accounts.service.admin import UserAdminService
from subgraphs.accounts.service.clients import ApiClientService
from subgraphs.accounts.service.profile import ProfileService
from subgraphs.accounts.service.sessions import SessionService
from subgraphs.accounts.service.throttle import AccountLimits, Throttle
from subgraphs.accounts.settings import AccountsSettings
from subgraphs.accounts.tokens import TokenIssuer


@dataclass(frozen=True, slots=True)
class AccountsServices:
    """The accounts' parts: its services and the token issuer (whose keys the JWKS serves)."""

    issuer: TokenIssuer
    sessions: SessionService
    profile: ProfileService
    addresses: AddressService
    admin: UserAdminService
    clients: ApiClientService

    @classmethod
    def build(
        cls,
        sessionmaker: async_sessionmaker[AsyncSession],
        issuer: TokenIssuer,
        limiter: SlidingWindowLimiter,
        settings: AccountsSettings,
    ) -> AccountsServices:
        throttle = Throttle(limiter, AccountLimits.from_settings(settings))
        return cls(
            issuer=issuer,
            sessions=SessionService(
                sessionmaker,
                issuer,
                throttle,
                refresh_ttl=timedelta(seconds=settings.refresh_token_ttl_seconds),
            ),
            profile=ProfileService(sessionmaker, throttle),
            addresses=AddressService(sessionmaker),
            admin=UserAdminService(sessionmaker),
            clients=ApiClientService(
                sessionmaker,
                issuer,
                throttle,
                token_ttl_seconds=settings.client_token_ttl_seconds,
            ),
        )
