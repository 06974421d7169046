"""A user's address book.

Whenever a user has addresses, exactly one is the default (checkout's first
choice): the first one added becomes it, `isDefault: true` moves it, and
removing it hands it to the oldest remaining address. `isDefault: false`
never leaves the user without one; to change the default, mark another.
Every change locks the owner's row, so concurrent changes of one user's
addresses apply one at a time.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.errors import DomainError, not_found
from shared.validation import input_id
from subgraphs.accounts import repository
from subgraphs.accounts.models import AddressRow
from subgraphs.accounts.service.validation import AddressData

MAX_ADDRESSES = 20


def _apply(row: AddressRow, data: AddressData) -> None:
    row.full_name = data.full_name
    row.line1 = data.line1
    row.line2 = data.line2
    row.city = data.city
    row.region = data.region
    row.postal_code = data.postal_code
    row.country = data.country
    row.phone = data.phone


class AddressService:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def of_user(self, user_id: uuid.UUID, address_id: uuid.UUID) -> AddressRow | None:
        """The address when it is the user's; None for another user's or none at all."""
        async with self._sessionmaker() as session:
            return await repository.address_of_user(session, address_id, user_id)

    async def add(self, user_id: uuid.UUID, data: AddressData) -> AddressRow:
        async with self._sessionmaker.begin() as session:
            await self._lock_owner(session, user_id)
            count = await repository.count_addresses(session, user_id)
            if count >= MAX_ADDRESSES:
                raise DomainError(
                    "TOO_MANY_ADDRESSES",
                    f"An account holds at most {MAX_ADDRESSES} addresses; remove one first.",
                )
            make_default = data.is_default or count == 0
            if make_default:
                await repository.clear_default(session, user_id)
            row = AddressRow(id=uuid.uuid4(), user_id=user_id, is_default=make_default)
            _apply(row, data)
            return await repository.insert_address(session, row)

    async def update(self, user_id: uuid.UUID, address_id: str, data: AddressData) -> AddressRow:
        parsed = input_id(address_id, "id")
        async with self._sessionmaker.begin() as session:
            await self._lock_owner(session, user_id)
            row = await repository.address_of_user(session, parsed, user_id)
            if row is None:
                raise not_found("address", "id")
            if data.is_default and not row.is_default:
                await repository.clear_default(session, user_id)
                row.is_default = True
            _apply(row, data)
            await session.flush()
            await session.refresh(row)
            return row

    async def remove(self, user_id: uuid.UUID, address_id: str) -> AddressRow:
        """Delete the address; returns it as it was."""
        parsed = input_id(address_id, "id")
        async with self._sessionmaker.begin() as session:
            await self._lock_owner(session, user_id)
            row = await repository.address_of_user(session, parsed, user_id)
            if row is None:
                raise not_found("address", "id")
            await repository.delete_address(session, row)
            if row.is_default:
                await repository.promote_oldest(session, user_id)
            return row

    @staticmethod
    async def _lock_owner(session: AsyncSession, user_id: uuid.UUID) -> None:
        if await repository.lock_user(session, user_id) is None:
            raise not_found("user")
