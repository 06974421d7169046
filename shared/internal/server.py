"""Serving internal routes: `/internal/…` on a service's own app, for services only.

    router = internal_router(audience="catalog", allowed_callers={"orders"})

    @router.post("/reservations", response_model=Reservation)
    async def reserve(body: ReserveRequest, caller: ServiceCaller) -> Reservation: ...

    create_service_app(ServiceDefinition(..., routers=[router]))

Every route of such a router first checks the `x-minishop-service-token`
header (before the body is even read), then renders `InternalApiError` and
request validation failures in the one typed error shape.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from fastapi import APIRouter, Depends, Request, Response, Security
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader

from shared.internal.errors import InternalApiError, error_responses
from shared.internal.tokens import (
    HEADER,
    InvalidServiceToken,
    ServiceIdentity,
    verify_service_token,
)
from shared.settings import platform_settings

PREFIX = "/internal"
_STATE_KEY = "service_caller"

# Declared so the OpenAPI document says how these routes authenticate; the
# check itself happens in `InternalRoute`, before anything else runs.
_token_scheme = APIKeyHeader(
    name=HEADER,
    scheme_name="ServiceToken",
    description="A short-lived service token (shared.internal.tokens), never a user's.",
    auto_error=False,
)


def _platform_secret() -> str:
    return platform_settings().internal_secret


@dataclass(frozen=True, slots=True)
class CallerPolicy:
    """Who may call a router: the audience its tokens must name, and which callers."""

    audience: str
    allowed_callers: frozenset[str] | None = None
    secret: Callable[[], str] = _platform_secret

    def authenticate(self, token: str | None) -> ServiceIdentity:
        if not token:
            raise InternalApiError(401, "UNAUTHENTICATED", f"Send a service token in {HEADER}.")
        try:
            identity = verify_service_token(token, self.secret(), audience=self.audience)
        except InvalidServiceToken as exc:
            raise InternalApiError(401, "UNAUTHENTICATED", "The service token is invalid.") from exc
        if self.allowed_callers is not None and identity.name not in self.allowed_callers:
            raise InternalApiError(
                403, "FORBIDDEN", f"The {identity.name} service may not call this route."
            )
        return identity


class InternalRoute(APIRoute):
    """An APIRoute that authenticates the calling service and types every error."""

    policy: ClassVar[CallerPolicy]

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()
        policy = self.policy

        async def authenticated(request: Request) -> Response:
            try:
                identity = policy.authenticate(request.headers.get(HEADER))
                setattr(request.state, _STATE_KEY, identity)
                return await handle(request)
            except InternalApiError as error:
                return error.response()
            except RequestValidationError as error:
                return InternalApiError(
                    422,
                    "INVALID_REQUEST",
                    "The request does not match the route's schema.",
                    {"errors": jsonable_encoder(error.errors())},
                ).response()

        return authenticated


def _caller(request: Request) -> ServiceIdentity:
    identity: ServiceIdentity = getattr(request.state, _STATE_KEY)
    return identity


ServiceCaller = Annotated[ServiceIdentity, Depends(_caller)]
"""The verified calling service, for route functions that want to know who called."""


def internal_router(
    *,
    audience: str,
    allowed_callers: Collection[str] | None = None,
    secret: Callable[[], str] | None = None,
    tags: Collection[str] = ("internal",),
) -> APIRouter:
    """A router under `/internal` whose routes only `allowed_callers` (None: any
    service holding the secret) may call, with tokens minted for `audience`."""
    policy = CallerPolicy(
        audience=audience,
        allowed_callers=frozenset(allowed_callers) if allowed_callers is not None else None,
        secret=secret or _platform_secret,
    )
    route_class = type("InternalRoute", (InternalRoute,), {"policy": policy})
    return APIRouter(
        prefix=PREFIX,
        tags=list(tags),
        route_class=route_class,
        dependencies=[Security(_token_scheme)],
        responses=error_responses(401, 403, 422),
    )
