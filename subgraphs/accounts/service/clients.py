"""Partner API clients: created by admins, signed in with client credentials
(OAuth2 client-credentials style) for a short-lived token with their scopes."""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.db import utcnow
from shared.errors import not_found
from shared.validation import input_id, lookup_text, parse_uuid
from subgraphs.accounts import repository
from subgraphs.accounts.models import ApiClientRow
from subgraphs.accounts.scopes import KNOWN_SCOPES
from subgraphs.accounts.service.errors import invalid_credentials
from subgraphs.accounts.service.throttle import Throttle
from subgraphs.accounts.service.validation import Checks
from subgraphs.accounts.tokens import (
    AccessToken,
    TokenIssuer,
    hash_secret,
    new_client_id,
    new_client_secret,
)

MAX_CLIENT_NAME_LENGTH = 100
MAX_SCOPE_LENGTH = 64
MAX_NAMED_SCOPES = 5
BAD_CLIENT_MESSAGE = "The client id or secret is wrong, or the client was revoked."


class ApiClientService:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        issuer: TokenIssuer,
        throttle: Throttle,
        token_ttl_seconds: int,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._issuer = issuer
        self._throttle = throttle
        self._token_ttl = token_ttl_seconds

    async def create(
        self, *, name: str, scopes: Sequence[str], created_by: str | None
    ) -> tuple[ApiClientRow, str]:
        """The new client and its secret, which is returned this once and only
        its hash is kept."""
        checks = Checks()
        name = checks.text(name, MAX_CLIENT_NAME_LENGTH, "name")
        unknown = sorted(set(scopes) - set(KNOWN_SCOPES))
        if unknown:
            # A few, shortened: the message must stay small whatever was sent.
            named = ", ".join(scope[:MAX_SCOPE_LENGTH] for scope in unknown[:MAX_NAMED_SCOPES])
            checks.fail(f"Unknown scopes: {named}. Known: {', '.join(KNOWN_SCOPES)}.", "scopes")
        elif not scopes:
            checks.fail("Give the client at least one scope.", "scopes")
        checks.done()
        secret = new_client_secret()
        client = ApiClientRow(
            id=uuid.uuid4(),
            client_id=new_client_id(),
            name=name,
            # Deduplicated, in the order of the known list.
            scopes=[scope for scope in KNOWN_SCOPES if scope in set(scopes)],
            secret_hash=hash_secret(secret),
            created_by=parse_uuid(created_by) if created_by else None,
        )
        async with self._sessionmaker.begin() as session:
            return await repository.insert_client(session, client), secret

    async def issue_token(
        self, client_id: str, client_secret: str, client_address: str
    ) -> AccessToken:
        await self._throttle.client_token(client_address)
        wanted = lookup_text(client_id.strip())
        client = None
        if wanted is not None:
            async with self._sessionmaker() as session:
                client = await repository.client_by_client_id(session, wanted)
        presented = hash_secret(client_secret)
        # Compared in constant time; unknown and revoked clients answer like a wrong secret.
        if (
            client is None
            or client.revoked_at is not None
            or not hmac.compare_digest(presented, client.secret_hash)
        ):
            raise invalid_credentials(BAD_CLIENT_MESSAGE)
        return self._issuer.issue(
            client.client_id,
            roles=[],
            scopes=list(client.scopes),
            partner=True,
            ttl_seconds=self._token_ttl,
        )

    async def revoke(self, id: str) -> ApiClientRow:
        """Stop the client from getting new tokens; tokens already issued run
        out within their lifetime. Revoking twice changes nothing."""
        parsed = input_id(id, "id")
        async with self._sessionmaker.begin() as session:
            client = await repository.lock_client(session, parsed)
            if client is None:
                raise not_found("API client", "id")
            if client.revoked_at is None:
                client.revoked_at = utcnow()
            return client

    async def page(self, *, limit: int, after_key: Sequence[Any] | None) -> list[ApiClientRow]:
        async with self._sessionmaker() as session:
            return await repository.list_clients(session, limit=limit, after_key=after_key)

    async def count(self) -> int:
        async with self._sessionmaker() as session:
            return await repository.count_clients(session)
