"""What the accounts resolvers share."""

from __future__ import annotations

import uuid

from shared.auth.verifier import bearer_token
from shared.graphql.errors import unauthenticated
from shared.graphql.ids import try_parse_id
from subgraphs.accounts.graphql.types import AccountsInfo
from subgraphs.accounts.service import AccountsServices
from subgraphs.accounts.tokens import session_id_of


def services(info: AccountsInfo) -> AccountsServices:
    return info.context.parts_as(AccountsServices)


def signed_in_user(info: AccountsInfo) -> uuid.UUID:
    """The caller's user id; UNAUTHENTICATED for anonymous and partner callers."""
    principal = info.context.require_user()
    user_id = try_parse_id(principal.user_id or "")
    if user_id is None:
        raise unauthenticated("The access token does not name a user.")
    return user_id


def current_session(info: AccountsInfo) -> uuid.UUID | None:
    """The refresh-token family the caller's access token was issued from."""
    token = bearer_token(info.context.http_request.headers.get("authorization"))
    if not token:
        return None
    session_id = session_id_of(token)
    return try_parse_id(session_id) if session_id else None
