"""The accounts' internal API: what checkout needs to know about a user.

Only services reach it (a service token, never through the gateway):

    GET /internal/users/{user_id}/addresses/{address_id}   one of the user's addresses
"""

from __future__ import annotations

import uuid

from fastapi import Request

from shared.app import service_parts
from shared.internal import InternalApiError, error_responses, internal_router
from subgraphs.accounts.internal.models import AddressSnapshot
from subgraphs.accounts.service import AccountsServices

AUDIENCE = "accounts"
# Checkout copies the shopper's chosen address onto the order.
users_router = internal_router(audience=AUDIENCE, allowed_callers={"orders"})


@users_router.get(
    "/users/{user_id}/addresses/{address_id}",
    response_model=AddressSnapshot,
    responses=error_responses(404),
    summary="One of a user's addresses",
    description="404 NOT_FOUND when there is no such address or it is another user's.",
)
async def user_address(
    user_id: uuid.UUID, address_id: uuid.UUID, request: Request
) -> AddressSnapshot:
    addresses = service_parts(request, AccountsServices).addresses
    row = await addresses.of_user(user_id, address_id)
    if row is None:
        raise InternalApiError(404, "NOT_FOUND", "The user has no address with this ID.")
    return AddressSnapshot.from_row(row)
