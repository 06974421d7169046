"""GraphQL types of the accounts service, built explicitly from rows."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from shared.graphql.context import RequestContext
from shared.graphql.errors import UserError, forbidden, unauthenticated
from shared.graphql.ids import try_parse_id
from subgraphs.accounts.graphql.loaders import user_by_id_loader
from subgraphs.accounts.models import UserRow


@strawberry.enum
class Role(Enum):
    CUSTOMER = "CUSTOMER"
    ADMIN = "ADMIN"


def ensure_can_see_user(context: RequestContext, user_id: str) -> None:
    """A user's data is visible to that user and to admins only."""
    principal = context.principal
    if principal is None:
        raise unauthenticated()
    if principal.user_id != user_id and not principal.is_admin:
        raise forbidden("You can only see your own account.")


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID
    email: str
    name: str
    roles: list[Role]
    created_at: datetime

    @classmethod
    def from_row(cls, row: UserRow) -> User:
        return cls(
            id=strawberry.ID(str(row.id)),
            email=row.email,
            name=row.name,
            roles=[Role(role) for role in row.roles],
            created_at=row.created_at,
        )

    @classmethod
    async def resolve_reference(cls, info: Info[RequestContext, None], id: str) -> User | None:
        # Authorised per reference: other subgraphs point at users, but only
        # the user and admins may read a user's fields.
        ensure_can_see_user(info.context, id)
        user_id = try_parse_id(id)
        if user_id is None:
            return None
        row = await info.context.loader(user_by_id_loader).load(user_id)
        return cls.from_row(row) if row else None


@strawberry.type
class AuthPayload:
    user: User | None = None
    access_token: str | None = None
    refresh_token: str | None = None
    expires_in: int | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class RegisterInput:
    email: str
    password: str
    name: str


@strawberry.input
class LoginInput:
    email: str
    password: str
