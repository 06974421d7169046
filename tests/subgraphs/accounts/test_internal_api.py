"""The accounts' internal API: checkout reads one of a user's addresses, and only
the orders service may."""

from __future__ import annotations

import uuid

import pytest

from shared.internal import HEADER, InternalCallError, InternalClient, mint_service_token
from shared.settings import platform_settings
from subgraphs.accounts.internal.models import AddressSnapshot
from tests.subgraphs.accounts.conftest import Member, create_user
from tests.support.services import RunningService, service_headers

ADD = """
mutation Add($input: AddressInput!) {
  addAddress(input: $input) { address { id } userErrors { code } }
}
"""
ADDRESS = {
    "fullName": "Ada Lovelace",
    "line1": "12 St James's Square",
    "line2": "Flat 2",
    "city": "London",
    "region": "Greater London",
    "postalCode": "SW1Y 4JH",
    "country": "gb",
    "phone": "+44 20 7946 0000",
}


def client(accounts: RunningService, caller: str) -> InternalClient:
    return InternalClient(caller, http=accounts.http, base_urls={"accounts": "http://test"})


async def add_address(accounts: RunningService, user: Member) -> str:
    result = await accounts.graphql.as_user(user.token).execute(ADD, {"input": ADDRESS})
    payload = result.ok()["addAddress"]
    assert payload["userErrors"] == []
    return str(payload["address"]["id"])


def path(user_id: str, address_id: str) -> str:
    return f"/internal/users/{user_id}/addresses/{address_id}"


async def test_orders_reads_the_users_address(accounts: RunningService) -> None:
    user = await create_user(accounts)
    address_id = await add_address(accounts, user)

    answer = await (
        client(accounts, "orders")
        .service("accounts")
        .get(path(user.id, address_id), response_model=AddressSnapshot)
    )

    assert answer.model_dump(mode="json") == {
        "id": address_id,
        "full_name": "Ada Lovelace",
        "line1": "12 St James's Square",
        "line2": "Flat 2",
        "city": "London",
        "region": "Greater London",
        "postal_code": "SW1Y 4JH",
        "country": "GB",
        "phone": "+44 20 7946 0000",
    }


async def test_another_users_or_an_unknown_address_is_not_found(accounts: RunningService) -> None:
    owner = await create_user(accounts)
    stranger = await create_user(accounts)
    address_id = await add_address(accounts, owner)
    headers = service_headers("orders", "accounts")

    for user_id, wanted in [(stranger.id, address_id), (owner.id, str(uuid.uuid4()))]:
        response = await accounts.http.get(path(user_id, wanted), headers=headers)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "NOT_FOUND"


async def test_only_orders_may_read_addresses(accounts: RunningService) -> None:
    user = await create_user(accounts)
    address_id = await add_address(accounts, user)

    anonymous = await accounts.http.get(path(user.id, address_id))
    forged = await accounts.http.get(path(user.id, address_id), headers={HEADER: "v1.forged.token"})
    for_catalog = await accounts.http.get(
        path(user.id, address_id),
        headers={
            HEADER: mint_service_token(
                platform_settings().internal_secret, caller="orders", audience="catalog"
            )
        },
    )
    for response in (anonymous, forged, for_catalog):
        assert (response.status_code, response.json()["error"]["code"]) == (401, "UNAUTHENTICATED")
    with pytest.raises(InternalCallError) as caught:
        await (
            client(accounts, "cart")
            .service("accounts")
            .get(path(user.id, address_id), response_model=AddressSnapshot)
        )
    assert (caught.value.status, caught.value.code) == (403, "FORBIDDEN")
