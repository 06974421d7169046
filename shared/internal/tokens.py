"""Service tokens: short-lived, HMAC-signed credentials one service shows another.

A token names the calling service and the service it is meant for, and expires
within minutes; it is signed with the deployment's shared `MINISHOP_INTERNAL_SECRET`.
The public gateway never forwards the header that carries it, so a client of
the graph can neither present nor replay one.

    token = mint_service_token(secret, caller="orders", audience="catalog")
    verify_service_token(token, secret, audience="catalog").name  # "orders"
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass

HEADER = "x-minishop-service-token"
VERSION = "v1"
DEFAULT_TTL_SECONDS = 60
# A token that claims a longer life was not minted by us: refuse it.
MAX_TTL_SECONDS = 300
# Tolerated difference between the clocks of two hosts.
CLOCK_SKEW_SECONDS = 30
_SERVICE_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


class InvalidServiceToken(Exception):
    """The token is missing, malformed, forged, expired or meant for another service."""


@dataclass(frozen=True, slots=True)
class ServiceIdentity:
    """A verified calling service."""

    name: str


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, signed_part: str) -> bytes:
    return hmac.new(secret.encode(), signed_part.encode("ascii"), hashlib.sha256).digest()


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
    claims = {"svc": caller, "aud": audience, "iat": issued, "exp": issued + ttl_seconds}
    payload = _b64encode(json.dumps(claims, separators=(",", ":")).encode())
    signed_part = f"{VERSION}.{payload}"
    return f"{signed_part}.{_b64encode(_signature(secret, signed_part))}"


def verify_service_token(
    token: str, secret: str, *, audience: str, now: float | None = None
) -> ServiceIdentity:
    """The calling service, or InvalidServiceToken (never says which check failed)."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != VERSION:
        raise InvalidServiceToken("malformed service token")
    signed_part = f"{parts[0]}.{parts[1]}"
    try:
        given = _b64decode(parts[2])
    except (binascii.Error, ValueError) as exc:
        raise InvalidServiceToken("malformed service token") from exc
    # Constant-time comparison: timing must not reveal how much of a forgery matched.
    if not hmac.compare_digest(given, _signature(secret, signed_part)):
        raise InvalidServiceToken("bad service token signature")
    try:
        claims = json.loads(_b64decode(parts[1]))
        caller, aud = str(claims["svc"]), str(claims["aud"])
        issued, expires = int(claims["iat"]), int(claims["exp"])
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise InvalidServiceToken("malformed service token") from exc
    current = time.time() if now is None else now
    if aud != audience:
        raise InvalidServiceToken("service token is for another service")
    if expires <= current - CLOCK_SKEW_SECONDS or issued > current + CLOCK_SKEW_SECONDS:
        raise InvalidServiceToken("service token expired or not yet valid")
    if not 0 < expires - issued <= MAX_TTL_SECONDS or not _SERVICE_NAME.match(caller):
        raise InvalidServiceToken("service token claims are out of bounds")
    return ServiceIdentity(caller)
