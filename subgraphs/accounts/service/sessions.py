"""Signing up and in: registration, password login, refresh-token rotation, logout.

A sign-in starts a refresh-token *family*; each refresh rotates the token
within it. Only the newest token of a family is live: a rotated one presented
again means two parties hold the family's tokens, so the whole family is
revoked (reuse detection) and both must sign in again.

Argon2id work (~0.1-0.5 s of CPU) runs before and outside the transaction, so
a sign-in never holds a database connection while hashing.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.auth.principal import Role
from shared.db import utcnow
from shared.events import record_event
from shared.events.contracts import UserRegistered
from subgraphs.accounts import passwords, repository
from subgraphs.accounts.models import UserRow
from subgraphs.accounts.service.errors import email_taken, invalid_credentials, invalid_token
from subgraphs.accounts.service.throttle import Throttle
from subgraphs.accounts.service.validation import (
    MAX_NAME_LENGTH,
    Checks,
    normalise_email,
    plausible_email,
)
from subgraphs.accounts.tokens import TokenIssuer, hash_secret, new_refresh_token

logger = logging.getLogger("minishop.accounts")

SOURCE = "accounts"


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: UserRow
    access_token: str
    refresh_token: str
    expires_in: int


class SessionService:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        issuer: TokenIssuer,
        throttle: Throttle,
        refresh_ttl: timedelta,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._issuer = issuer
        self._throttle = throttle
        self._refresh_ttl = refresh_ttl

    async def register(self, email: str, password: str, name: str, client_address: str) -> SignedIn:
        await self._throttle.registration(normalise_email(email), client_address)
        checks = Checks()
        email = checks.email(email)
        checks.password(password)
        name = checks.text(name, MAX_NAME_LENGTH, "name")
        checks.done()
        password_hash = await passwords.hash_password(password)
        async with self._sessionmaker.begin() as session:
            user = await repository.insert_user(
                session,
                email=email,
                name=name,
                password_hash=password_hash,
                roles=[Role.CUSTOMER.value],
            )
            if user is None:
                raise email_taken()
            await record_event(
                session,
                UserRegistered(user_id=user.id, email=user.email, name=user.name),
                source=SOURCE,
            )
            return await self._sign_in(session, user)

    async def login(self, email: str, password: str, client_address: str) -> SignedIn:
        email = normalise_email(email)
        attempt = await self._throttle.password_attempt(email, client_address)
        # No account can have such an e-mail or password: nothing to look up or hash.
        if not plausible_email(email) or len(password) > passwords.MAX_LENGTH:
            raise invalid_credentials()
        async with self._sessionmaker() as session:
            user = await repository.user_by_email(session, email)
        # An unknown e-mail costs one Argon2id verification too, and answers the same.
        valid = await passwords.verify_password(user.password_hash if user else None, password)
        if user is None or not valid:
            raise invalid_credentials()
        await self._throttle.password_proved(attempt, email)
        upgraded = (
            await passwords.hash_password(password)
            if passwords.needs_rehash(user.password_hash)
            else None
        )
        async with self._sessionmaker.begin() as session:
            locked = await repository.lock_user(session, user.id)
            # The password changed while this one was being checked: it no longer signs in.
            if locked is None or locked.password_hash != user.password_hash:
                raise invalid_credentials()
            if upgraded is not None:
                locked.password_hash = upgraded
            return await self._sign_in(session, locked)

    async def refresh(self, refresh_token: str) -> SignedIn:
        now = utcnow()
        async with self._sessionmaker.begin() as session:
            # Locked: of two requests with the same token, the second waits and
            # then finds it rotated, so they cannot both succeed.
            row = await repository.lock_refresh_token(session, hash_secret(refresh_token))
            if row is None or row.revoked_at is not None:
                raise invalid_token()
            if row.rotated_at is None:
                if row.expires_at <= now:
                    raise invalid_token()
                (user,) = await repository.users_by_ids(session, [row.user_id])
                row.rotated_at = now
                return await self._sign_in(session, user, family_id=row.family_id)
            # Reuse of a rotated token. The revocation is committed on leaving
            # this block, although the caller gets an error: it is the point.
            await repository.revoke_family(session, row.family_id, now)
            user_id, family_id = row.user_id, row.family_id
        logger.warning(
            "a rotated refresh token was presented again; its family is revoked",
            extra={"user_id": str(user_id), "token_family": str(family_id)},
        )
        raise invalid_token()

    async def logout(self, refresh_token: str) -> None:
        """End the sign-in the token belongs to: its whole family stops working.

        Other sign-ins of the user (other devices) stay. Logging out twice is
        not an error; an unknown token is.
        """
        async with self._sessionmaker.begin() as session:
            row = await repository.lock_refresh_token(session, hash_secret(refresh_token))
            if row is None:
                raise invalid_token()
            await repository.revoke_family(session, row.family_id, utcnow())

    async def _sign_in(
        self, session: AsyncSession, user: UserRow, family_id: uuid.UUID | None = None
    ) -> SignedIn:
        family = family_id or uuid.uuid4()
        refresh_token = new_refresh_token()
        await repository.insert_refresh_token(
            session,
            user_id=user.id,
            family_id=family,
            token_hash=hash_secret(refresh_token),
            expires_at=utcnow() + self._refresh_ttl,
        )
        access = self._issuer.issue(str(user.id), roles=list(user.roles), session_id=str(family))
        return SignedIn(
            user=user,
            access_token=access.token,
            refresh_token=refresh_token,
            expires_in=access.expires_in,
        )
