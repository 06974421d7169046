"""GraphQL types of the accounts service, built explicitly from rows."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from shared.graphql.context import RequestContext
from shared.graphql.cost import at_most
from shared.graphql.errors import forbidden, unauthenticated
from shared.graphql.ids import try_parse_id
from subgraphs.accounts.graphql.loaders import addresses_by_user_id_loader, user_by_id_loader
from subgraphs.accounts.models import AddressRow, ApiClientRow, UserRow
from subgraphs.accounts.service.addresses import MAX_ADDRESSES

AccountsInfo = Info[RequestContext, None]


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


@strawberry.type(description="A postal address from a user's address book.")
class Address:
    id: strawberry.ID
    full_name: str
    line1: str
    line2: str | None
    city: str
    region: str | None
    postal_code: str
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 code, upper case.")
    phone: str | None
    is_default: bool = strawberry.field(
        description="Exactly one of a user's addresses is the default."
    )

    @classmethod
    def from_row(cls, row: AddressRow) -> Address:
        return cls(
            id=strawberry.ID(str(row.id)),
            full_name=row.full_name,
            line1=row.line1,
            line2=row.line2,
            city=row.city,
            region=row.region,
            postal_code=row.postal_code,
            country=row.country,
            phone=row.phone,
            is_default=row.is_default,
        )


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
    async def resolve_reference(cls, info: AccountsInfo, id: str) -> User | None:
        # Authorised per reference: other subgraphs point at users, but only
        # the user and admins may read a user's fields.
        ensure_can_see_user(info.context, id)
        user_id = try_parse_id(id)
        if user_id is None:
            return None
        row = await info.context.loader(user_by_id_loader).load(user_id)
        return cls.from_row(row) if row else None

    @strawberry.field(
        description="The user's address book, the oldest first.",
        directives=[at_most(MAX_ADDRESSES)],
    )
    async def addresses(self, info: AccountsInfo) -> list[Address]:
        # Every way to a User already checks this; checked again because an
        # address book must never leak through a path added later.
        ensure_can_see_user(info.context, str(self.id))
        user_id = try_parse_id(self.id)
        if user_id is None:
            return []
        rows = await info.context.loader(addresses_by_user_id_loader).load(user_id)
        return [Address.from_row(row) for row in rows]


@strawberry.type(description="A partner's API client. Its secret is shown once, at creation.")
class ApiClient:
    id: strawberry.ID
    client_id: str = strawberry.field(description="Public; sent with the secret to get a token.")
    name: str
    scopes: list[str]
    created_at: datetime
    revoked_at: datetime | None = strawberry.field(
        description="Set once revoked: the client gets no more tokens."
    )

    @classmethod
    def from_row(cls, row: ApiClientRow) -> ApiClient:
        return cls(
            id=strawberry.ID(str(row.id)),
            client_id=row.client_id,
            name=row.name,
            scopes=list(row.scopes),
            created_at=row.created_at,
            revoked_at=row.revoked_at,
        )
