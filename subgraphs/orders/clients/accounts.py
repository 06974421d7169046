"""The accounts' internal API: one of a user's saved addresses."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

from shared.internal import InternalCallError, ServiceClient
from subgraphs.orders.clients.common import within
from subgraphs.orders.clients.errors import AddressNotFound, PeerRefused


class SavedAddress(BaseModel):
    model_config = ConfigDict(extra="ignore")

    full_name: str
    line1: str
    line2: str | None = None
    city: str
    region: str | None = None
    postal_code: str
    country: str
    phone: str | None = None


class AccountsClient:
    def __init__(self, accounts: ServiceClient, timeout_seconds: float) -> None:
        self._accounts = accounts
        self._timeout = timeout_seconds

    async def address(self, user_id: uuid.UUID, address_id: uuid.UUID) -> SavedAddress:
        try:
            return await within(
                "accounts",
                self._timeout,
                self._accounts.get(
                    f"/internal/users/{user_id}/addresses/{address_id}",
                    response_model=SavedAddress,
                ),
            )
        except InternalCallError as error:
            if error.code == "NOT_FOUND":
                raise AddressNotFound(str(address_id)) from error
            raise PeerRefused("accounts", error.code, error.message) from error
