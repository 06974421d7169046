"""What admins do with users: find them a page at a time, and set their roles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.auth.principal import Role
from shared.errors import DomainError, invalid_input, not_found
from shared.validation import input_id, lookup_text
from subgraphs.accounts import repository
from subgraphs.accounts.models import UserRow


class UserAdminService:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def page(
        self, *, search: str | None, limit: int, after_key: Sequence[Any] | None
    ) -> list[UserRow]:
        """Users whose e-mail or name contains `search`, newest first; ValueError
        when `after_key` is not a key of this listing."""
        if search is not None and lookup_text(search) is None:
            return []
        async with self._sessionmaker() as session:
            return await repository.list_users(
                session, search=search, limit=limit, after_key=after_key
            )

    async def count(self, *, search: str | None) -> int:
        if search is not None and lookup_text(search) is None:
            return 0
        async with self._sessionmaker() as session:
            return await repository.count_users(session, search=search)

    async def set_roles(
        self, *, acting_admin: str | None, user_id: str, roles: Sequence[str]
    ) -> UserRow:
        """Replace the user's roles. They reach the user's access tokens at the
        next refresh (within the access-token lifetime)."""
        target = input_id(user_id, "userId")
        wanted: list[str] = [role.value for role in Role if role.value in set(roles)]
        if not wanted:
            raise invalid_input("Give the user at least one role.", "roles")
        async with self._sessionmaker.begin() as session:
            # Admins first, in one order for every caller: two admins demoting
            # each other then take turns, and the second sees the first's change.
            admins = (
                await repository.lock_admins(session) if Role.ADMIN.value not in wanted else None
            )
            user = await repository.lock_user(session, target)
            if user is None:
                raise not_found("user", "userId")
            if admins is not None and user.id in admins:
                if str(user.id) == acting_admin:
                    raise DomainError(
                        "CANNOT_REMOVE_OWN_ADMIN",
                        "You cannot take the ADMIN role from yourself; ask another admin.",
                        ["roles"],
                    )
                # Decided by the rows, not by the caller's token, which may be
                # older than its own demotion.
                if not admins - {user.id}:
                    raise DomainError(
                        "CANNOT_REMOVE_LAST_ADMIN",
                        "This user is the last admin; make another user an admin first.",
                        ["roles"],
                    )
            if list(user.roles) != wanted:
                user.roles = wanted
            return user
