"""Access-token verification: signature via the accounts JWKS, `exp`, `iss`, `aud`.

Every subgraph verifies tokens itself; the gateway is only a second wall.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any, Protocol

import httpx
import jwt
from jwt.api_jwk import PyJWK, PyJWKSet
from prometheus_client import Counter

from shared.auth.keys import SIGNING_ALGORITHM
from shared.auth.principal import Principal

# Accounts signs with this one algorithm; a token naming another is refused
# before any key is looked up (no algorithm confusion).
ALLOWED_ALGORITHMS = [SIGNING_ALGORITHM]

# One service per process: the outcome is the only label needed to see that
# unknown kids do not turn into a fetch each (the refetch throttle).
JWKS_FETCHES = Counter(
    "minishop_jwks_fetches_total", "JWKS fetches from the accounts service", ["outcome"]
)


class InvalidTokenError(Exception):
    """The bearer token is malformed, tampered with, expired or not for us."""


class KeySource(Protocol):
    async def get_key(self, kid: str) -> PyJWK | None: ...


class StaticKeySource:
    """Keys known in-process (the accounts service verifies with its own keys)."""

    def __init__(self, jwks: Mapping[str, Any]) -> None:
        self._keys = {key.key_id: key for key in PyJWKSet.from_dict(dict(jwks)).keys}

    async def get_key(self, kid: str) -> PyJWK | None:
        return self._keys.get(kid)


class JwksKeySource:
    """Fetches the JWKS over HTTP and caches it.

    An unknown `kid` triggers a refetch (key rotation), at most once per
    `min_refetch_seconds`, so forged kids cannot make us hammer accounts.
    """

    def __init__(
        self,
        url: str,
        cache_seconds: float = 300,
        min_refetch_seconds: float = 10,
        timeout_seconds: float = 3,
    ) -> None:
        self._url = url
        self._cache_seconds = cache_seconds
        self._min_refetch_seconds = min_refetch_seconds
        self._timeout = timeout_seconds
        self._keys: dict[str, PyJWK] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def get_key(self, kid: str) -> PyJWK | None:
        age = time.monotonic() - self._fetched_at
        if kid in self._keys and age < self._cache_seconds:
            return self._keys[kid]
        async with self._lock:
            age = time.monotonic() - self._fetched_at
            stale = age >= self._cache_seconds
            if stale or (kid not in self._keys and age >= self._min_refetch_seconds):
                await self._refresh()
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.get(self._url)
                response.raise_for_status()
                keys = PyJWKSet.from_dict(response.json()).keys
        except (httpx.HTTPError, ValueError, jwt.PyJWKSetError):
            JWKS_FETCHES.labels(outcome="failed").inc()
            # Keep serving the keys we have; a token with an unknown kid fails.
            self._fetched_at = time.monotonic() - self._cache_seconds + self._min_refetch_seconds
            return
        JWKS_FETCHES.labels(outcome="ok").inc()
        self._keys = {key.key_id: key for key in keys if key.key_id}
        self._fetched_at = time.monotonic()


class TokenVerifier:
    def __init__(
        self, keys: KeySource, issuer: str, audience: str, leeway_seconds: int = 30
    ) -> None:
        self._keys = keys
        self._issuer = issuer
        self._audience = audience
        self._leeway = leeway_seconds

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidTokenError("malformed token") from exc
        kid = header.get("kid")
        if not isinstance(kid, str) or header.get("alg") not in ALLOWED_ALGORITHMS:
            raise InvalidTokenError("token has no usable key id or algorithm")
        key = await self._keys.get_key(kid)
        if key is None:
            raise InvalidTokenError("token signed with an unknown key")
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=[header["alg"]],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidTokenError("token rejected") from exc
        return Principal.from_claims(claims)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header; "" when the header is not bearer."""
    if authorization is None:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return ""
    return token.strip()
