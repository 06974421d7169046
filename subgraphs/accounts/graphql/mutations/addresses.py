"""The signed-in user's address book: addAddress, updateAddress, removeAddress (user)."""

from __future__ import annotations

import strawberry

from shared.errors import DomainError
from shared.graphql.errors import user_errors
from subgraphs.accounts.graphql.common import services, signed_in_user
from subgraphs.accounts.graphql.inputs import AddressInput
from subgraphs.accounts.graphql.payloads import AddressPayload
from subgraphs.accounts.graphql.types import AccountsInfo, Address
from subgraphs.accounts.service import AddressData, checked_address


def _data(input: AddressInput) -> AddressData:
    return checked_address(
        full_name=input.full_name,
        line1=input.line1,
        line2=input.line2,
        city=input.city,
        region=input.region,
        postal_code=input.postal_code,
        country=input.country,
        phone=input.phone,
        is_default=bool(input.is_default),
    )


@strawberry.type
class AddressMutations:
    @strawberry.mutation(
        description="(user) Add an address; the first one is the default. userErrors: "
        "INVALID_INPUT, TOO_MANY_ADDRESSES."
    )
    async def add_address(self, info: AccountsInfo, input: AddressInput) -> AddressPayload:
        user_id = signed_in_user(info)
        try:
            row = await services(info).addresses.add(user_id, _data(input))
        except DomainError as error:
            return AddressPayload(user_errors=user_errors(error))
        return AddressPayload(address=Address.from_row(row))

    @strawberry.mutation(
        description="(user) Replace one of your addresses. userErrors: INVALID_INPUT, "
        "NOT_FOUND (no such address of yours)."
    )
    async def update_address(
        self, info: AccountsInfo, id: strawberry.ID, input: AddressInput
    ) -> AddressPayload:
        user_id = signed_in_user(info)
        try:
            row = await services(info).addresses.update(user_id, id, _data(input))
        except DomainError as error:
            return AddressPayload(user_errors=user_errors(error))
        return AddressPayload(address=Address.from_row(row))

    @strawberry.mutation(
        description="(user) Remove one of your addresses and return it; removing the default "
        "makes your oldest remaining address the default. userErrors: INVALID_INPUT, NOT_FOUND."
    )
    async def remove_address(self, info: AccountsInfo, id: strawberry.ID) -> AddressPayload:
        user_id = signed_in_user(info)
        try:
            row = await services(info).addresses.remove(user_id, id)
        except DomainError as error:
            return AddressPayload(user_errors=user_errors(error))
        return AddressPayload(address=Address.from_row(row))
