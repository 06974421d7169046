"""Accounts mutations: each returns its payload with `userErrors`."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from shared.errors import DomainError
from shared.graphql.context import RequestContext
from shared.graphql.errors import user_errors
from subgraphs.accounts.graphql.types import AuthPayload, LoginInput, RegisterInput, User
from subgraphs.accounts.service import AccountsService, SignedIn


def _service(info: Info[RequestContext, None]) -> AccountsService:
    service: AccountsService = info.context.services["accounts"]
    return service


def _auth_payload(signed_in: SignedIn) -> AuthPayload:
    return AuthPayload(
        user=User.from_row(signed_in.user),
        access_token=signed_in.access_token,
        refresh_token=signed_in.refresh_token,
        expires_in=signed_in.expires_in,
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create a customer account and sign it in.")
    async def register(self, info: Info[RequestContext, None], input: RegisterInput) -> AuthPayload:
        try:
            signed_in = await _service(info).register(input.email, input.password, input.name)
        except DomainError as error:
            return AuthPayload(user_errors=user_errors(error))
        return _auth_payload(signed_in)

    @strawberry.mutation(description="Sign in with e-mail and password.")
    async def login(self, info: Info[RequestContext, None], input: LoginInput) -> AuthPayload:
        try:
            signed_in = await _service(info).login(input.email, input.password)
        except DomainError as error:
            return AuthPayload(user_errors=user_errors(error))
        return _auth_payload(signed_in)
