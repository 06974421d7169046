"""Partner API clients: createApiClient, revokeApiClient (admin), issueClientToken."""

from __future__ import annotations

import strawberry

from shared.errors import DomainError
from shared.graphql.errors import user_errors
from subgraphs.accounts.graphql.common import services
from subgraphs.accounts.graphql.inputs import ApiClientInput
from subgraphs.accounts.graphql.payloads import ApiClientPayload, ClientTokenPayload
from subgraphs.accounts.graphql.types import AccountsInfo, ApiClient
from subgraphs.accounts.scopes import KNOWN_SCOPES


@strawberry.type
class ClientMutations:
    @strawberry.mutation(
        description="(admin) Create a partner API client with scopes from: "
        + ", ".join(KNOWN_SCOPES)
        + ". The secret is in this answer only. userErrors: INVALID_INPUT."
    )
    async def create_api_client(
        self, info: AccountsInfo, input: ApiClientInput
    ) -> ApiClientPayload:
        admin = info.context.require_admin()
        try:
            row, secret = await services(info).clients.create(
                name=input.name, scopes=input.scopes, created_by=admin.user_id
            )
        except DomainError as error:
            return ApiClientPayload(user_errors=user_errors(error))
        return ApiClientPayload(api_client=ApiClient.from_row(row), client_secret=secret)

    @strawberry.mutation(
        description="(admin) Revoke a partner API client: it gets no new tokens (those issued "
        "run out within their lifetime). userErrors: INVALID_INPUT, NOT_FOUND."
    )
    async def revoke_api_client(self, info: AccountsInfo, id: strawberry.ID) -> ApiClientPayload:
        info.context.require_admin()
        try:
            row = await services(info).clients.revoke(id)
        except DomainError as error:
            return ApiClientPayload(user_errors=user_errors(error))
        return ApiClientPayload(api_client=ApiClient.from_row(row))

    @strawberry.mutation(
        description="A partner access token (client credentials): `sub` is the client id, with "
        "the client's scopes and `partner: true`. userErrors: INVALID_CREDENTIALS (unknown or "
        "revoked client, or wrong secret), RATE_LIMITED (too many requests from this address; the "
        "message says when to retry)."
    )
    async def issue_client_token(
        self, info: AccountsInfo, client_id: str, client_secret: str
    ) -> ClientTokenPayload:
        try:
            token = await services(info).clients.issue_token(
                client_id, client_secret, info.context.client_address
            )
        except DomainError as error:
            return ClientTokenPayload(user_errors=user_errors(error))
        return ClientTokenPayload(access_token=token.token, expires_in=token.expires_in)
