"""The per-request GraphQL context: the caller, database access and DataLoaders."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from aiodataloader import DataLoader
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from strawberry.fastapi import BaseContext

from shared import net
from shared.auth.principal import Principal
from shared.graphql.errors import forbidden, unauthenticated

LoaderT = TypeVar("LoaderT", bound=DataLoader)
KindT = TypeVar("KindT")


class RequestContext(BaseContext):
    """What resolvers get as `info.context`.

    Resolvers never hold a session themselves: services and loaders open short
    ones from `sessionmaker`, so concurrent resolvers never share a connection.
    """

    def __init__(
        self,
        *,
        request: Request,
        sessionmaker: async_sessionmaker[AsyncSession] | None,
        redis: Redis,
        principal: Principal | None,
        auth_error: str | None,
        parts: object,
        service_name: str,
    ) -> None:
        super().__init__()
        self.http_request = request
        self.sessionmaker = sessionmaker
        self.redis = redis
        self.principal = principal
        self.auth_error = auth_error
        self.parts = parts
        self.service_name = service_name
        self._loaders: dict[Callable[..., DataLoader], DataLoader] = {}

    def loader(self, factory: Callable[[RequestContext], LoaderT]) -> LoaderT:
        """The request-scoped instance of a DataLoader, created on first use."""
        instance = self._loaders.get(factory)
        if instance is None:
            instance = factory(self)
            self._loaders[factory] = instance
        return instance  # type: ignore[return-value]

    def parts_as(self, kind: type[KindT]) -> KindT:
        """The service's parts (its services and clients), typed: `parts_as(CartParts)`."""
        if not isinstance(self.parts, kind):
            raise TypeError(f"the service's parts are {type(self.parts).__name__}, not {kind}")
        return self.parts

    @property
    def db(self) -> async_sessionmaker[AsyncSession]:
        if self.sessionmaker is None:
            raise RuntimeError("this service has no database")
        return self.sessionmaker

    @property
    def client_address(self) -> str:
        """The caller's address as the gateway vouched for it, else the TCP peer
        (never a client's own `X-Forwarded-For`): see shared/net.py."""
        return net.client_address(self.http_request)

    def require_user(self) -> Principal:
        """The signed-in user, or UNAUTHENTICATED (partner clients are not users)."""
        if self.principal is None or self.principal.user_id is None:
            raise unauthenticated()
        return self.principal

    def require_admin(self) -> Principal:
        principal = self.require_user()
        if not principal.is_admin:
            raise forbidden("This operation needs the ADMIN role.")
        return principal

    def require_scope(self, scope: str) -> Principal:
        """An admin, or a partner client holding `scope`."""
        if self.principal is None:
            raise unauthenticated()
        if self.principal.is_admin or self.principal.has_scope(scope):
            return self.principal
        raise forbidden(f"This operation needs the {scope} scope.")
