"""The signed-in user's own account: updateProfile, changePassword (user)."""

from __future__ import annotations

import strawberry

from shared.errors import DomainError
from shared.graphql.errors import user_errors
from subgraphs.accounts.graphql.common import current_session, services, signed_in_user
from subgraphs.accounts.graphql.inputs import ChangePasswordInput, UpdateProfileInput
from subgraphs.accounts.graphql.payloads import UserPayload
from subgraphs.accounts.graphql.types import AccountsInfo, User
from subgraphs.accounts.service import ProfileChanges


@strawberry.type
class ProfileMutations:
    @strawberry.mutation(
        description="(user) Change your name or sign-in e-mail (the latter with your current "
        "password); announced as UserUpdated. userErrors: INVALID_INPUT, EMAIL_TAKEN, "
        "INVALID_CREDENTIALS (currentPassword), RATE_LIMITED (the message says when to retry)."
    )
    async def update_profile(self, info: AccountsInfo, input: UpdateProfileInput) -> UserPayload:
        user_id = signed_in_user(info)
        changes = ProfileChanges(
            name=input.name, email=input.email, current_password=input.current_password
        )
        try:
            row = await services(info).profile.update_profile(
                user_id, changes, info.context.client_address
            )
        except DomainError as error:
            return UserPayload(user_errors=user_errors(error))
        return UserPayload(user=User.from_row(row))

    @strawberry.mutation(
        description="(user) Change your password. Every other sign-in of yours is ended (its "
        "refresh tokens revoked); this one stays. userErrors: INVALID_INPUT (newPassword), "
        "INVALID_CREDENTIALS (currentPassword), RATE_LIMITED (the message says when to retry)."
    )
    async def change_password(self, info: AccountsInfo, input: ChangePasswordInput) -> UserPayload:
        user_id = signed_in_user(info)
        try:
            row = await services(info).profile.change_password(
                user_id,
                input.current_password,
                input.new_password,
                keep_session=current_session(info),
                client_address=info.context.client_address,
            )
        except DomainError as error:
            return UserPayload(user_errors=user_errors(error))
        return UserPayload(user=User.from_row(row))
