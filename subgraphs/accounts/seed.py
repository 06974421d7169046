"""Demo data: the admin account (e-mail and password from settings)."""

from __future__ import annotations

from shared.auth.principal import Role
from shared.seeding import seed_session
from shared.settings import platform_settings
from subgraphs.accounts import passwords, repository
from subgraphs.accounts.service import normalise_email


async def seed(database_url: str) -> None:
    settings = platform_settings()
    email = normalise_email(settings.admin_email)
    async with seed_session(database_url) as session:
        if await repository.user_by_email(session, email) is not None:
            return  # kept as is: its password may have been changed since
        await repository.insert_user(
            session,
            email=email,
            name="MiniShop Admin",
            password_hash=await passwords.hash_password(settings.admin_password),
            roles=[Role.CUSTOMER.value, Role.ADMIN.value],
        )
