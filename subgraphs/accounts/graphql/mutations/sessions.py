"""Signing up, in and out: register, login, refreshToken, logout (all public)."""

from __future__ import annotations

import strawberry

from shared.errors import DomainError
from shared.graphql.errors import user_errors
from subgraphs.accounts.graphql.common import services
from subgraphs.accounts.graphql.inputs import LoginInput, RegisterInput
from subgraphs.accounts.graphql.payloads import AuthPayload, LogoutPayload
from subgraphs.accounts.graphql.types import AccountsInfo, User
from subgraphs.accounts.service import SignedIn


def _signed_in(signed_in: SignedIn) -> AuthPayload:
    return AuthPayload(
        user=User.from_row(signed_in.user),
        access_token=signed_in.access_token,
        refresh_token=signed_in.refresh_token,
        expires_in=signed_in.expires_in,
    )


@strawberry.type
class SessionMutations:
    @strawberry.mutation(
        description="Create a customer account and sign it in. userErrors: INVALID_INPUT, "
        "EMAIL_TAKEN, RATE_LIMITED (too many attempts for this e-mail or from this address; "
        "the message says when to retry)."
    )
    async def register(self, info: AccountsInfo, input: RegisterInput) -> AuthPayload:
        try:
            signed_in = await services(info).sessions.register(
                input.email, input.password, input.name, info.context.client_address
            )
        except DomainError as error:
            return AuthPayload(user_errors=user_errors(error))
        return _signed_in(signed_in)

    @strawberry.mutation(
        description="Sign in with e-mail and password. userErrors: INVALID_CREDENTIALS (the "
        "same for an unknown e-mail), RATE_LIMITED (too many attempts for this e-mail or from "
        "this address; the message says when to retry)."
    )
    async def login(self, info: AccountsInfo, input: LoginInput) -> AuthPayload:
        try:
            signed_in = await services(info).sessions.login(
                input.email, input.password, info.context.client_address
            )
        except DomainError as error:
            return AuthPayload(user_errors=user_errors(error))
        return _signed_in(signed_in)

    @strawberry.mutation(
        description="A new access token and a new refresh token for a refresh token, which "
        "stops working. userErrors: INVALID_TOKEN (unknown, expired, revoked or reused). "
        "Presenting a token that was already rotated (a sign of theft) answers INVALID_TOKEN "
        "and, by design, revokes every token of its sign-in: the one failure that writes."
    )
    async def refresh_token(self, info: AccountsInfo, refresh_token: str) -> AuthPayload:
        try:
            signed_in = await services(info).sessions.refresh(refresh_token)
        except DomainError as error:
            return AuthPayload(user_errors=user_errors(error))
        return _signed_in(signed_in)

    @strawberry.mutation(
        description="End the sign-in a refresh token belongs to (other sign-ins stay). "
        "Logging out twice succeeds. userErrors: INVALID_TOKEN (unknown token)."
    )
    async def logout(self, info: AccountsInfo, refresh_token: str) -> LogoutPayload:
        try:
            await services(info).sessions.logout(refresh_token)
        except DomainError as error:
            return LogoutPayload(success=False, user_errors=user_errors(error))
        return LogoutPayload(success=True)
