"""The authenticated caller as every service sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    CUSTOMER = "CUSTOMER"
    ADMIN = "ADMIN"


@dataclass(frozen=True, slots=True)
class Principal:
    """A verified caller: a user (with roles) or a partner API client (with scopes)."""

    subject: str
    roles: frozenset[str] = field(default_factory=frozenset)
    scopes: frozenset[str] = field(default_factory=frozenset)
    is_partner: bool = False
    token_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @property
    def user_id(self) -> str | None:
        """The user's id, or None for a partner client (which is not a user)."""
        return None if self.is_partner else self.subject

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> Principal:
        scope = claims.get("scope") or ""
        return cls(
            subject=str(claims["sub"]),
            roles=frozenset(claims.get("roles") or ()),
            scopes=frozenset(scope.split()) if isinstance(scope, str) else frozenset(),
            is_partner=bool(claims.get("partner", False)),
            token_id=claims.get("jti"),
        )
