"""Accounts business rules: registration, sign-in and token issuing.

The service owns transactions; it raises `DomainError` for what the caller can
fix, and the GraphQL layer turns those into `userErrors`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.auth.principal import Role
from shared.errors import DomainError, ValidationFailed, invalid_input
from shared.events import record_event
from shared.events.contracts import UserRegistered
from subgraphs.accounts import passwords, repository
from subgraphs.accounts.models import UserRow
from subgraphs.accounts.tokens import TokenIssuer, hash_refresh_token, new_refresh_token

SOURCE = "accounts"
MAX_NAME_LENGTH = 200
MAX_EMAIL_LENGTH = 320


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: UserRow
    access_token: str
    refresh_token: str
    expires_in: int


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _validate_email(email: str) -> DomainError | None:
    local, at, domain = email.partition("@")
    if not at or not local or "." not in domain or " " in email or len(email) > MAX_EMAIL_LENGTH:
        return invalid_input("Enter a valid e-mail address.", "email")
    return None


def _validate_password(password: str, field: str = "password") -> DomainError | None:
    if not passwords.MIN_LENGTH <= len(password) <= passwords.MAX_LENGTH:
        return invalid_input(
            f"The password must be {passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} characters.",
            field,
        )
    return None


def _validate_name(name: str) -> DomainError | None:
    if not name.strip() or len(name.strip()) > MAX_NAME_LENGTH:
        return invalid_input(f"The name must be 1 to {MAX_NAME_LENGTH} characters.", "name")
    return None


class AccountsService:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        issuer: TokenIssuer,
        refresh_ttl_seconds: int,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._issuer = issuer
        self._refresh_ttl = timedelta(seconds=refresh_ttl_seconds)

    async def register(self, email: str, password: str, name: str) -> SignedIn:
        email = normalise_email(email)
        problems = [
            p
            for p in (_validate_email(email), _validate_password(password), _validate_name(name))
            if p is not None
        ]
        if problems:
            raise ValidationFailed(problems)
        password_hash = await passwords.hash_password(password)
        async with self._sessionmaker.begin() as session:
            user = await repository.insert_user(
                session,
                email=email,
                name=name.strip(),
                password_hash=password_hash,
                roles=[Role.CUSTOMER.value],
            )
            if user is None:
                raise DomainError(
                    "EMAIL_TAKEN", "An account with this e-mail already exists.", ["email"]
                )
            await record_event(
                session,
                UserRegistered(user_id=user.id, email=user.email, name=user.name),
                source=SOURCE,
            )
            return await self._sign_in(session, user)

    async def login(self, email: str, password: str) -> SignedIn:
        async with self._sessionmaker.begin() as session:
            user = await repository.user_by_email(session, normalise_email(email))
            # Unknown e-mail and wrong password cost the same and answer the same.
            valid = await passwords.verify_password(user.password_hash if user else None, password)
            if user is None or not valid:
                raise DomainError("INVALID_CREDENTIALS", "The e-mail or password is wrong.")
            if passwords.needs_rehash(user.password_hash):
                user.password_hash = await passwords.hash_password(password)
            return await self._sign_in(session, user)

    async def users_by_ids(self, ids: list[uuid.UUID]) -> list[UserRow]:
        async with self._sessionmaker() as session:
            return await repository.users_by_ids(session, ids)

    async def _sign_in(
        self, session: AsyncSession, user: UserRow, family_id: uuid.UUID | None = None
    ) -> SignedIn:
        refresh_token = new_refresh_token()
        await repository.insert_refresh_token(
            session,
            user_id=user.id,
            family_id=family_id or uuid.uuid4(),
            token_hash=hash_refresh_token(refresh_token),
            expires_at=datetime.now(UTC) + self._refresh_ttl,
        )
        access = self._issuer.issue(str(user.id), roles=list(user.roles))
        return SignedIn(
            user=user,
            access_token=access.token,
            refresh_token=refresh_token,
            expires_in=access.expires_in,
        )
