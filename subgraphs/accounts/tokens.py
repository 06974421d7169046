"""Access tokens (EdDSA JWTs) and opaque refresh tokens."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.auth.keys import SIGNING_ALGORITHM, load_private_key, public_jwk
from shared.settings import Environment, PlatformSettings
from subgraphs.accounts.settings import AccountsSettings


@dataclass(frozen=True, slots=True)
class SigningKeys:
    current: Ed25519PrivateKey
    retired_public_jwks: tuple[dict[str, Any], ...] = ()

    @property
    def kid(self) -> str:
        return str(public_jwk(self.current)["kid"])

    def jwks(self) -> dict[str, Any]:
        """The public keys to publish: the current one and any being rotated out."""
        return {"keys": [public_jwk(self.current), *self.retired_public_jwks]}


def load_signing_keys(settings: AccountsSettings, platform: PlatformSettings) -> SigningKeys:
    if settings.jwt_private_key:
        current = load_private_key(settings.jwt_private_key.encode())
    elif settings.jwt_private_key_file:
        current = load_private_key(settings.jwt_private_key_file.read_bytes())
    elif platform.env is Environment.PRODUCTION:
        raise RuntimeError("ACCOUNTS_JWT_PRIVATE_KEY(_FILE) is required in production")
    else:
        # Development and tests without a configured key: an ephemeral one.
        current = Ed25519PrivateKey.generate()
    retired = tuple(
        public_jwk(load_private_key(path.read_bytes())) for path in settings.jwt_retired_key_files
    )
    return SigningKeys(current=current, retired_public_jwks=retired)


@dataclass(frozen=True, slots=True)
class AccessToken:
    token: str
    expires_in: int


class TokenIssuer:
    def __init__(
        self, keys: SigningKeys, issuer: str, audience: str, access_ttl_seconds: int
    ) -> None:
        self.keys = keys
        self._issuer = issuer
        self._audience = audience
        self._ttl = access_ttl_seconds

    def issue(
        self,
        subject: str,
        *,
        roles: list[str] | None = None,
        scopes: list[str] | None = None,
        partner: bool = False,
    ) -> AccessToken:
        now = datetime.now(UTC)
        claims: dict[str, Any] = {
            "sub": subject,
            "roles": roles or [],
            "scope": " ".join(scopes or []),
            "iss": self._issuer,
            "aud": self._audience,
            "iat": now,
            "exp": now + timedelta(seconds=self._ttl),
            "jti": uuid.uuid4().hex,
        }
        if partner:
            claims["partner"] = True
        token = jwt.encode(
            claims, self.keys.current, algorithm=SIGNING_ALGORITHM, headers={"kid": self.keys.kid}
        )
        return AccessToken(token=token, expires_in=self._ttl)


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> str:
    # A fast hash is right here: the token has 256 bits of entropy, unlike a password.
    return hashlib.sha256(token.encode()).hexdigest()
