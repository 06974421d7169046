"""Mutation payloads: the result, or the reasons in `userErrors` (then nothing was written)."""

from __future__ import annotations

import strawberry

from shared.graphql.errors import UserError
from subgraphs.accounts.graphql.types import Address, ApiClient, User


@strawberry.type
class AuthPayload:
    user: User | None = None
    access_token: str | None = None
    refresh_token: str | None = None
    expires_in: int | None = strawberry.field(
        default=None, description="Seconds until the access token expires."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class UserPayload:
    user: User | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AddressPayload:
    address: Address | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LogoutPayload:
    success: bool = False
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ApiClientPayload:
    api_client: ApiClient | None = None
    client_secret: str | None = strawberry.field(
        default=None, description="Only when the client is created: it is never shown again."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ClientTokenPayload:
    access_token: str | None = None
    expires_in: int | None = strawberry.field(
        default=None, description="Seconds until the access token expires."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)
