"""Who is calling: JWT verification against the accounts JWKS, roles and scopes."""

from shared.auth.principal import Principal, Role
from shared.auth.verifier import InvalidTokenError, TokenVerifier

__all__ = ["InvalidTokenError", "Principal", "Role", "TokenVerifier"]
