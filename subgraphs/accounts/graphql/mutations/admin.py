"""Admin work on users: setUserRoles (admin)."""

from __future__ import annotations

import strawberry

from shared.errors import DomainError
from shared.graphql.errors import user_errors
from subgraphs.accounts.graphql.common import services
from subgraphs.accounts.graphql.payloads import UserPayload
from subgraphs.accounts.graphql.types import AccountsInfo, Role, User


@strawberry.type
class AdminMutations:
    @strawberry.mutation(
        description="(admin) Replace a user's roles; they reach the user's tokens at the next "
        "refresh. userErrors: INVALID_INPUT, NOT_FOUND, CANNOT_REMOVE_OWN_ADMIN, "
        "CANNOT_REMOVE_LAST_ADMIN (at least one user keeps ADMIN, whatever runs at once)."
    )
    async def set_user_roles(
        self, info: AccountsInfo, user_id: strawberry.ID, roles: list[Role]
    ) -> UserPayload:
        admin = info.context.require_admin()
        try:
            row = await services(info).admin.set_roles(
                acting_admin=admin.user_id, user_id=user_id, roles=[role.value for role in roles]
            )
        except DomainError as error:
            return UserPayload(user_errors=user_errors(error))
        return UserPayload(user=User.from_row(row))
