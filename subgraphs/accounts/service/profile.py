"""A signed-in user's own account: name, e-mail and password.

Changing the e-mail (the sign-in name) or the password needs the current
password, so a stolen access token alone cannot take the account over; those
checks share the login's rate limit per account.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.db import utcnow
from shared.errors import invalid_input, not_found
from shared.events import record_event
from shared.events.contracts import PasswordChanged, UserUpdated
from subgraphs.accounts import passwords, repository
from subgraphs.accounts.models import UserRow
from subgraphs.accounts.service.errors import email_taken, invalid_credentials
from subgraphs.accounts.service.throttle import Throttle
from subgraphs.accounts.service.validation import MAX_NAME_LENGTH, Checks

SOURCE = "accounts"
WRONG_CURRENT_MESSAGE = "The current password is wrong."


@dataclass(frozen=True, slots=True)
class ProfileChanges:
    """None keeps the current value."""

    name: str | None = None
    email: str | None = None
    current_password: str | None = None


class ProfileService:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], throttle: Throttle) -> None:
        self._sessionmaker = sessionmaker
        self._throttle = throttle

    async def update_profile(
        self, user_id: uuid.UUID, changes: ProfileChanges, client_address: str
    ) -> UserRow:
        checks = Checks()
        name = (
            checks.text(changes.name, MAX_NAME_LENGTH, "name") if changes.name is not None else None
        )
        email = checks.email(changes.email) if changes.email is not None else None
        checks.done()
        user = await self._user(user_id)
        email_changes = email is not None and email != user.email
        if email_changes:
            if changes.current_password is None:
                raise invalid_input(
                    "Changing the e-mail needs `currentPassword`.", "currentPassword"
                )
            await self._prove_password(user, changes.current_password, client_address)
        async with self._sessionmaker.begin() as session:
            locked = await self._locked(session, user, password_proved=email_changes)
            new_name = name if name is not None else locked.name
            new_email = email if email is not None else locked.email
            if (new_name, new_email) == (locked.name, locked.email):
                return locked
            if new_email != locked.email and await repository.email_in_use(
                session, new_email, other_than=locked.id
            ):
                raise email_taken()
            locked.name, locked.email = new_name, new_email
            try:
                await session.flush()
            except IntegrityError:
                # Another account took the e-mail after the check above.
                raise email_taken() from None
            await record_event(
                session,
                UserUpdated(user_id=locked.id, email=locked.email, name=locked.name),
                source=SOURCE,
            )
            return locked

    async def change_password(
        self,
        user_id: uuid.UUID,
        current_password: str,
        new_password: str,
        *,
        keep_session: uuid.UUID | None,
        client_address: str,
    ) -> UserRow:
        """Set a new password and revoke every refresh token of the user except
        those of `keep_session` (the sign-in the request comes from)."""
        checks = Checks()
        checks.password(new_password, "newPassword")
        checks.done()
        user = await self._user(user_id)
        await self._prove_password(user, current_password, client_address)
        new_hash = await passwords.hash_password(new_password)
        async with self._sessionmaker.begin() as session:
            locked = await self._locked(session, user, password_proved=True)
            locked.password_hash = new_hash
            await repository.revoke_user_tokens(
                session, locked.id, utcnow(), keep_family=keep_session
            )
            await record_event(session, PasswordChanged(user_id=locked.id), source=SOURCE)
            return locked

    async def _user(self, user_id: uuid.UUID) -> UserRow:
        async with self._sessionmaker() as session:
            found = await repository.users_by_ids(session, [user_id])
        if not found:
            raise not_found("user")
        return found[0]

    async def _prove_password(self, user: UserRow, password: str, client_address: str) -> None:
        attempt = await self._throttle.password_attempt(user.email, client_address)
        too_long = len(password) > passwords.MAX_LENGTH
        if too_long or not await passwords.verify_password(user.password_hash, password):
            raise invalid_credentials(WRONG_CURRENT_MESSAGE, "currentPassword")
        await self._throttle.password_proved(attempt, user.email)

    async def _locked(
        self, session: AsyncSession, seen: UserRow, *, password_proved: bool
    ) -> UserRow:
        """The user locked for the change. When the change rests on a password
        check, it is refused if the password changed since: the check then
        proved an old password."""
        locked = await repository.lock_user(session, seen.id)
        if locked is None:
            raise not_found("user")
        if password_proved and locked.password_hash != seen.password_hash:
            raise invalid_credentials(WRONG_CURRENT_MESSAGE, "currentPassword")
        return locked
