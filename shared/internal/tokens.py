"""Service tokens: short-lived JWTs (HS256) one service shows another.

A token names the calling service (`iss`) and the service it is meant for
(`aud`), and expires within minutes (`iat`, `exp`); it is signed with the
deployment's shared `MINISHOP_INTERNAL_SECRET`. The public gateway never
forwards the header that carries it, so a client of the graph can neither
present nor replay one.

    token = mint_service_token(secret, caller="orders", audience="catalog")
    verify_service_token(token, secret, audience="catalog").name  # "orders"
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import jwt

HEADER = "x-minishop-service-token"
ALGORITHM = "HS256"
DEFAULT_TTL_SECONDS = 60
# A token that claims a longer life was not minted by us: refuse it.
MAX_TTL_SECONDS = 300
# Tolerated difference between the clocks of two hosts.
CLOCK_SKEW_SECONDS = 30
# Ours are about 200 characters; a far longer header is not worth decoding.
MAX_TOKEN_LENGTH = 1024
_SERVICE_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_REQUIRED = ["iss", "aud", "iat", "exp"]


class InvalidServiceToken(Exception):
    """The token is missing, malformed, forged, expired or meant for another service."""


@dataclass(frozen=True, slots=True)
class ServiceIdentity:
    """A verified calling service."""

    name: str


def mint_service_token(
    secret: str,
    *,
    caller: str,
    audience: str,
    ttl_seconds: int = DEFAULT_TTL_SECONDS,
    now: float | None = None,
) -> str:
    """A token saying "`caller` calls `audience`", valid for `ttl_seconds`."""
    for name in (caller, audience):
        if not _SERVICE_NAME.match(name):
            raise ValueError(f"not a service name: {name!r}")
    if not 0 < ttl_seconds <= MAX_TTL_SECONDS:
        raise ValueError(f"ttl_seconds must be in 1..{MAX_TTL_SECONDS}")
    issued = int(time.time() if now is None else now)
    claims = {"iss": caller, "aud": audience, "iat": issued, "exp": issued + ttl_seconds}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify_service_token(
    token: str, secret: str, *, audience: str, now: float | None = None
) -> ServiceIdentity:
    """The calling service, or InvalidServiceToken (never says which check failed)."""
    # A header value arrives as Latin-1 text; a token is ASCII, anything else is
    # refused here rather than failing inside the decoder.
    if len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        raise InvalidServiceToken("malformed service token")
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=audience,
            options={"require": _REQUIRED, "verify_exp": False, "verify_iat": False},
        )
        caller, issued, expires = claims["iss"], int(claims["iat"]), int(claims["exp"])
    except (jwt.InvalidTokenError, TypeError, ValueError) as exc:
        raise InvalidServiceToken("invalid service token") from exc
    # Times are checked here, not by PyJWT, so that `now` (tests, replays) applies.
    current = time.time() if now is None else now
    if expires <= current - CLOCK_SKEW_SECONDS or issued > current + CLOCK_SKEW_SECONDS:
        raise InvalidServiceToken("service token expired or not yet valid")
    if not 0 < expires - issued <= MAX_TTL_SECONDS:
        raise InvalidServiceToken("service token claims are out of bounds")
    if not isinstance(caller, str) or not _SERVICE_NAME.match(caller):
        raise InvalidServiceToken("service token claims are out of bounds")
    return ServiceIdentity(caller)
