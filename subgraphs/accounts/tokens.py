"""Access tokens (EdDSA JWTs), opaque refresh tokens and partner client credentials."""

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

SESSION_CLAIM = "sid"
CLIENT_ID_PREFIX = "msc_"


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
        session_id: str | None = None,
        ttl_seconds: int | None = None,
    ) -> AccessToken:
        """A signed access token for `subject` (a user id, or a partner's client id).

        `session_id` becomes the `sid` claim: the refresh-token family the token
        was issued from, so the holder's own sign-in can be told from the others
        (changePassword keeps it and revokes the rest).
        """
        now = datetime.now(UTC)
        ttl = self._ttl if ttl_seconds is None else ttl_seconds
        claims: dict[str, Any] = {
            "sub": subject,
            "roles": roles or [],
            "scope": " ".join(scopes or []),
            "iss": self._issuer,
            "aud": self._audience,
            "iat": now,
            "exp": now + timedelta(seconds=ttl),
            "jti": uuid.uuid4().hex,
        }
        if partner:
            # Subgraphs run a partner's operation only when the gateway signed it as
            # registered (shared.graphql.policies.PartnerOperationsOnly).
            claims["partner"] = True
        if session_id is not None:
            claims[SESSION_CLAIM] = session_id
        token = jwt.encode(
            claims, self.keys.current, algorithm=SIGNING_ALGORITHM, headers={"kid": self.keys.kid}
        )
        return AccessToken(token=token, expires_in=ttl)


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def new_client_id() -> str:
    # Public, like a user name: the prefix makes it recognisable in a partner's config.
    return CLIENT_ID_PREFIX + secrets.token_hex(10)


def new_client_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(token: str) -> str:
    """Digest of a refresh token or client secret, which is all that is stored.

    A fast hash is right here: these are 256 random bits, unlike a password,
    so no amount of hashing speed makes guessing them feasible.
    """
    return hashlib.sha256(token.encode()).hexdigest()


def session_id_of(verified_token: str) -> str | None:
    """The `sid` claim of a token the request's verifier has already accepted."""
    claims = jwt.decode(verified_token, options={"verify_signature": False})
    value = claims.get(SESSION_CLAIM)
    return value if isinstance(value, str) else None
