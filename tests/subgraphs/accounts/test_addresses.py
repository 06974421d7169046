"""The address book: one default whenever there are addresses, validation,
ownership, the cap, and who may read a user's addresses."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from tests.subgraphs.accounts.conftest import Member, codes, create_user, rows
from tests.support.services import RunningService

ADDRESS = "id fullName line1 line2 city region postalCode country phone isDefault"
ADD = f"""
mutation Add($input: AddressInput!) {{
  addAddress(input: $input) {{ address {{ {ADDRESS} }} userErrors {{ field message code }} }}
}}
"""
UPDATE = f"""
mutation Update($id: ID!, $input: AddressInput!) {{
  updateAddress(id: $id, input: $input) {{
    address {{ {ADDRESS} }} userErrors {{ field message code }}
  }}
}}
"""
REMOVE = """
mutation Remove($id: ID!) {
  removeAddress(id: $id) { address { id isDefault } userErrors { field message code } }
}
"""
MY_ADDRESSES = "query Mine { me { addresses { id isDefault city } } }"
ENTITY_ADDRESSES = """
query Entities($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on User { id addresses { id } } }
}
"""


def _address(**overrides: Any) -> dict[str, Any]:
    return {
        "fullName": "Ada Lovelace",
        "line1": "12 St James's Square",
        "city": "London",
        "postalCode": "SW1Y 4JH",
        "country": "gb",
        **overrides,
    }


async def _add(accounts: RunningService, user: Member, **overrides: Any) -> dict[str, Any]:
    result = await accounts.graphql.as_user(user.token).execute(
        ADD, {"input": _address(**overrides)}
    )
    return result.ok()["addAddress"]


async def _mine(accounts: RunningService, user: Member) -> list[dict[str, Any]]:
    result = await accounts.graphql.as_user(user.token).execute(MY_ADDRESSES)
    return result.ok()["me"]["addresses"]


async def test_first_address_is_default_and_is_normalised(accounts: RunningService) -> None:
    user = await create_user(accounts)
    payload = await _add(
        accounts, user, line2="  ", region=" Greater London ", phone="+44 20 7946 0000"
    )
    assert payload["userErrors"] == []
    address = payload["address"]
    assert address["isDefault"] is True
    assert address["country"] == "GB"
    assert address["line2"] is None and address["region"] == "Greater London"
    assert await _mine(accounts, user) == [
        {"id": address["id"], "isDefault": True, "city": "London"}
    ]


async def test_marking_another_default_moves_it(accounts: RunningService) -> None:
    user = await create_user(accounts)
    first = (await _add(accounts, user))["address"]
    second = (await _add(accounts, user, city="Paris", country="FR", isDefault=True))["address"]
    third = (await _add(accounts, user, city="Berlin", country="DE"))["address"]
    assert [second["isDefault"], third["isDefault"]] == [True, False]
    assert [(a["id"], a["isDefault"]) for a in await _mine(accounts, user)] == [
        (first["id"], False),
        (second["id"], True),
        (third["id"], False),
    ]


async def test_update_replaces_fields_and_false_keeps_the_only_default(
    accounts: RunningService,
) -> None:
    user = await create_user(accounts)
    first = (await _add(accounts, user))["address"]
    second = (await _add(accounts, user, city="Paris", country="FR"))["address"]
    client = accounts.graphql.as_user(user.token)
    updated = await client.execute(
        UPDATE, {"id": first["id"], "input": _address(city="Bath", isDefault=False)}
    )
    payload = updated.ok()["updateAddress"]
    assert payload["userErrors"] == []
    assert payload["address"]["city"] == "Bath" and payload["address"]["isDefault"] is True
    moved = await client.execute(
        UPDATE, {"id": second["id"], "input": _address(city="Lyon", country="FR", isDefault=True)}
    )
    assert moved.ok()["updateAddress"]["address"]["isDefault"] is True
    assert [(a["city"], a["isDefault"]) for a in await _mine(accounts, user)] == [
        ("Bath", False),
        ("Lyon", True),
    ]


async def test_removing_the_default_hands_it_to_the_oldest_left(accounts: RunningService) -> None:
    user = await create_user(accounts)
    first = (await _add(accounts, user))["address"]
    second = (await _add(accounts, user, city="Paris", country="FR"))["address"]
    third = (await _add(accounts, user, city="Rome", country="IT"))["address"]
    client = accounts.graphql.as_user(user.token)
    removed = (await client.execute(REMOVE, {"id": first["id"]})).ok()["removeAddress"]
    assert removed == {"address": {"id": first["id"], "isDefault": True}, "userErrors": []}
    assert [(a["id"], a["isDefault"]) for a in await _mine(accounts, user)] == [
        (second["id"], True),
        (third["id"], False),
    ]
    (await client.execute(REMOVE, {"id": third["id"]})).ok()
    assert [(a["id"], a["isDefault"]) for a in await _mine(accounts, user)] == [
        (second["id"], True)
    ]


async def test_every_invalid_field_is_reported_and_nothing_added(accounts: RunningService) -> None:
    user = await create_user(accounts)
    payload = await _add(
        accounts,
        user,
        fullName=" ",
        line1="x" * 201,
        city="Lon\x00don",
        postalCode="!!",
        country="GBR",
        phone="call me",
    )
    assert payload["address"] is None
    assert sorted(error["field"][0] for error in payload["userErrors"]) == [
        "city",
        "country",
        "fullName",
        "line1",
        "phone",
        "postalCode",
    ]
    assert set(codes(payload)) == {"INVALID_INPUT"}
    assert await rows(accounts, "SELECT id FROM addresses") == []


async def test_someone_elses_address_is_not_found(accounts: RunningService) -> None:
    owner = await create_user(accounts)
    intruder = await create_user(accounts)
    address = (await _add(accounts, owner))["address"]
    client = accounts.graphql.as_user(intruder.token)
    update = await client.execute(UPDATE, {"id": address["id"], "input": _address(city="Nope")})
    assert codes(update.ok()["updateAddress"]) == ["NOT_FOUND"]
    remove = await client.execute(REMOVE, {"id": address["id"]})
    assert codes(remove.ok()["removeAddress"]) == ["NOT_FOUND"]
    missing = await client.execute(REMOVE, {"id": str(uuid.uuid4())})
    assert codes(missing.ok()["removeAddress"]) == ["NOT_FOUND"]
    malformed = await client.execute(REMOVE, {"id": "not-an-id"})
    assert codes(malformed.ok()["removeAddress"]) == ["INVALID_INPUT"]
    assert [a["city"] for a in await _mine(accounts, owner)] == ["London"]


async def test_an_account_holds_at_most_twenty_addresses(accounts: RunningService) -> None:
    user = await create_user(accounts)
    for _ in range(20):
        assert (await _add(accounts, user))["userErrors"] == []
    over = await _add(accounts, user)
    assert codes(over) == ["TOO_MANY_ADDRESSES"] and over["address"] is None
    assert len(await _mine(accounts, user)) == 20


async def test_concurrent_adds_leave_exactly_one_default(accounts: RunningService) -> None:
    user = await create_user(accounts)
    results = await asyncio.gather(
        *(_add(accounts, user, city=f"City {n}", isDefault=n % 2 == 0) for n in range(10))
    )
    assert all(result["userErrors"] == [] for result in results)
    assert sum(address["isDefault"] for address in await _mine(accounts, user)) == 1


async def test_address_mutations_need_a_signed_in_user(accounts: RunningService) -> None:
    result = await accounts.graphql.execute(ADD, {"input": _address()})
    assert result.error_codes == ["UNAUTHENTICATED"]
    remove = await accounts.graphql.execute(REMOVE, {"id": str(uuid.uuid4())})
    assert remove.error_codes == ["UNAUTHENTICATED"]


async def test_only_the_user_and_admins_read_a_users_addresses(accounts: RunningService) -> None:
    owner = await create_user(accounts)
    other = await create_user(accounts)
    admin = await create_user(accounts, roles=("CUSTOMER", "ADMIN"))
    address = (await _add(accounts, owner))["address"]
    reps = {"reps": [{"__typename": "User", "id": owner.id}]}
    as_other = await accounts.graphql.as_user(other.token).execute(ENTITY_ADDRESSES, reps)
    assert as_other.error_codes == ["FORBIDDEN"]
    assert "London" not in str(as_other.body)
    anonymous = await accounts.graphql.execute(ENTITY_ADDRESSES, reps)
    assert anonymous.error_codes == ["UNAUTHENTICATED"]
    for reader in (owner, admin):
        seen = await accounts.graphql.as_user(reader.token).execute(ENTITY_ADDRESSES, reps)
        assert seen.ok()["_entities"] == [{"id": owner.id, "addresses": [{"id": address["id"]}]}]
