"""Admin operations on users: `user`, `users` (search, pages), `setUserRoles`;
and the `User` entity resolved in one batch."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import text

from tests.subgraphs.accounts.conftest import Member, codes, create_user, execute, rows
from tests.support.services import RunningService

USER = "query User($id: ID!) { user(id: $id) { id email name roles } }"
USERS = """
query Users($first: Int, $after: String, $search: String) {
  users(first: $first, after: $after, search: $search) {
    edges { cursor node { id email } }
    nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}
"""
SET_ROLES = """
mutation SetRoles($userId: ID!, $roles: [Role!]!) {
  setUserRoles(userId: $userId, roles: $roles) {
    user { id roles } userErrors { field message code }
  }
}
"""
ENTITIES = """
query Entities($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on User { id email name roles createdAt } }
}
"""


async def test_admin_reads_one_user_and_null_for_an_unknown_id(
    accounts: RunningService, admin: Member, customer: Member
) -> None:
    client = accounts.graphql.as_user(admin.token)
    found = (await client.execute(USER, {"id": customer.id})).ok()["user"]
    assert found == {
        "id": customer.id,
        "email": customer.email,
        "name": "Cam Customer",
        "roles": ["CUSTOMER"],
    }
    assert (await client.execute(USER, {"id": str(uuid.uuid4())})).ok() == {"user": None}
    assert (await client.execute(USER, {"id": "nope"})).error_codes == ["BAD_USER_INPUT"]


async def test_users_pages_newest_first_and_stays_stable_under_inserts(
    accounts: RunningService, admin: Member
) -> None:
    made = [await create_user(accounts, email=f"page-{n}@example.com") for n in range(5)]
    client = accounts.graphql.as_user(admin.token)
    first = (await client.execute(USERS, {"first": 2, "search": "page-"})).ok()["users"]
    assert [node["id"] for node in first["nodes"]] == [made[4].id, made[3].id]
    assert first["totalCount"] == 5
    assert first["pageInfo"]["hasNextPage"] and not first["pageInfo"]["hasPreviousPage"]
    await create_user(accounts, email="page-new@example.com")  # lands before the first page
    after = first["pageInfo"]["endCursor"]
    second = (await client.execute(USERS, {"first": 2, "after": after, "search": "page-"})).ok()
    page = second["users"]
    assert [node["id"] for node in page["nodes"]] == [made[2].id, made[1].id]
    assert page["pageInfo"]["hasPreviousPage"] and page["totalCount"] == 6
    last = await client.execute(
        USERS, {"first": 2, "after": page["pageInfo"]["endCursor"], "search": "page-"}
    )
    assert [node["id"] for node in last.ok()["users"]["nodes"]] == [made[0].id]
    assert not last.ok()["users"]["pageInfo"]["hasNextPage"]


async def test_users_search_matches_email_or_name_in_any_case(
    accounts: RunningService, admin: Member
) -> None:
    grace = await create_user(accounts, email="grace@navy.example", name="Grace Hopper")
    alan = await create_user(accounts, email="alan@bletchley.example", name="Alan Turing")
    await create_user(accounts, email="under_score@example.com", name="Literal Underscore")
    client = accounts.graphql.as_user(admin.token)

    async def search(term: str) -> list[str]:
        result = await client.execute(USERS, {"search": term})
        return [node["id"] for node in result.ok()["users"]["nodes"]]

    assert await search("HOPPER") == [grace.id]
    assert await search("bletchley") == [alan.id]
    assert await search("  turing ") == [alan.id]
    # LIKE wildcards in the search are plain characters.
    assert len(await search("_")) == 1
    assert await search("%") == []


async def test_users_rejects_bad_page_arguments(accounts: RunningService, admin: Member) -> None:
    client = accounts.graphql.as_user(admin.token)
    assert (await client.execute(USERS, {"first": 101})).error_codes == ["BAD_USER_INPUT"]
    assert (await client.execute(USERS, {"after": "garbage"})).error_codes == ["BAD_USER_INPUT"]
    assert (await client.execute(USERS, {"search": "x" * 201})).error_codes == ["BAD_USER_INPUT"]


async def test_customers_are_forbidden_and_anonymous_unauthenticated_on_admin_operations(
    accounts: RunningService, customer: Member
) -> None:
    operations = [
        (USER, {"id": customer.id}),
        (USERS, {}),
        (SET_ROLES, {"userId": customer.id, "roles": ["ADMIN"]}),
    ]
    for query, variables in operations:
        as_customer = await accounts.graphql.as_user(customer.token).execute(query, variables)
        assert as_customer.error_codes == ["FORBIDDEN"], query
        assert as_customer.data is None or not any(as_customer.data.values())
        anonymous = await accounts.graphql.execute(query, variables)
        assert anonymous.error_codes == ["UNAUTHENTICATED"], query
    (row,) = await rows(accounts, "SELECT roles FROM users WHERE id = :id", id=customer.id)
    assert row.roles == ["CUSTOMER"]


async def test_set_user_roles_replaces_the_roles(
    accounts: RunningService, admin: Member, customer: Member
) -> None:
    client = accounts.graphql.as_user(admin.token)
    result = await client.execute(
        SET_ROLES, {"userId": customer.id, "roles": ["ADMIN", "CUSTOMER", "ADMIN"]}
    )
    assert result.ok()["setUserRoles"] == {
        "user": {"id": customer.id, "roles": ["CUSTOMER", "ADMIN"]},
        "userErrors": [],
    }
    back = await client.execute(SET_ROLES, {"userId": customer.id, "roles": ["CUSTOMER"]})
    assert back.ok()["setUserRoles"]["user"]["roles"] == ["CUSTOMER"]


async def test_set_user_roles_codes_write_nothing(
    accounts: RunningService, admin: Member, customer: Member
) -> None:
    client = accounts.graphql.as_user(admin.token)

    async def attempt(user_id: str, roles: list[str]) -> dict:
        result = await client.execute(SET_ROLES, {"userId": user_id, "roles": roles})
        return result.ok()["setUserRoles"]

    assert codes(await attempt(customer.id, [])) == ["INVALID_INPUT"]
    assert codes(await attempt("not-an-id", ["ADMIN"])) == ["INVALID_INPUT"]
    assert codes(await attempt(str(uuid.uuid4()), ["ADMIN"])) == ["NOT_FOUND"]
    own = await attempt(admin.id, ["CUSTOMER"])
    assert codes(own) == ["CANNOT_REMOVE_OWN_ADMIN"] and own["user"] is None
    roles = await rows(accounts, "SELECT id, roles FROM users ORDER BY email")
    assert {str(row.id): row.roles for row in roles} == {
        admin.id: ["CUSTOMER", "ADMIN"],
        customer.id: ["CUSTOMER"],
    }


async def test_entities_with_100_user_references_run_one_sql_statement(
    accounts: RunningService, admin: Member
) -> None:
    users = [await create_user(accounts) for _ in range(99)]
    reps = [{"__typename": "User", "id": user.id} for user in [*users, admin]]
    with accounts.sql.counting() as statements:
        result = await accounts.graphql.as_user(admin.token).execute(ENTITIES, {"reps": reps})
    entities = result.ok()["_entities"]
    assert [entity["id"] for entity in entities] == [rep["id"] for rep in reps]
    assert len(statements) == 1, statements.statements


async def test_a_customer_resolves_only_their_own_user_entity(
    accounts: RunningService, customer: Member, admin: Member
) -> None:
    client = accounts.graphql.as_user(customer.token)
    own = await client.execute(ENTITIES, {"reps": [{"__typename": "User", "id": customer.id}]})
    assert own.ok()["_entities"][0]["email"] == customer.email
    other = await client.execute(ENTITIES, {"reps": [{"__typename": "User", "id": admin.id}]})
    assert other.error_codes == ["FORBIDDEN"]
    assert admin.email not in str(other.body)
    unknown = await accounts.graphql.as_user(admin.token).execute(
        ENTITIES, {"reps": [{"__typename": "User", "id": str(uuid.uuid4())}]}
    )
    assert unknown.ok()["_entities"] == [None]


async def _waiting_on_locks(accounts: RunningService, count: int) -> None:
    """Returns once `count` other sessions of this database wait for a row lock."""
    async with asyncio.timeout(10):
        while True:
            (row,) = await rows(
                accounts,
                "SELECT count(*) AS n FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'",
            )
            if row.n >= count:
                return
            await asyncio.sleep(0.01)


async def test_two_admins_demoting_each_other_at_once_leave_one_admin(
    accounts: RunningService,
) -> None:
    # Given two admins, the only ones, and both their rows held by another transaction
    ada = await create_user(accounts, name="Ada", roles=("CUSTOMER", "ADMIN"))
    bob = await create_user(accounts, name="Bob", roles=("CUSTOMER", "ADMIN"))
    assert accounts.state.engine is not None
    async with accounts.state.engine.connect() as holder:
        transaction = await holder.begin()
        await holder.execute(
            text("SELECT id FROM users WHERE id IN (:a, :b) FOR UPDATE"),
            {"a": ada.id, "b": bob.id},
        )
        # When each demotes the other while both still hold valid ADMIN tokens
        demotions = [
            asyncio.create_task(
                accounts.graphql.as_user(actor.token).execute(
                    SET_ROLES, {"userId": target.id, "roles": ["CUSTOMER"]}
                )
            )
            for actor, target in [(ada, bob), (bob, ada)]
        ]
        await _waiting_on_locks(accounts, 2)
        await transaction.commit()
        results = [(await task).ok()["setUserRoles"] for task in demotions]

    # Then one demotion wins, the other is refused, and an admin remains
    assert sorted(codes(result) for result in results) == [[], ["CANNOT_REMOVE_LAST_ADMIN"]]
    admins = await rows(accounts, "SELECT id FROM users WHERE 'ADMIN' = ANY(roles)")
    assert len(admins) == 1


async def test_demoting_the_last_admin_is_refused_and_writes_nothing(
    accounts: RunningService, admin: Member
) -> None:
    # Given an admin whose own row no longer says ADMIN (demoted after the token was minted)
    other = await create_user(accounts, roles=("CUSTOMER", "ADMIN"))
    await execute(
        accounts, "UPDATE users SET roles = ARRAY['CUSTOMER'] WHERE id = :id", id=admin.id
    )
    # When that admin's still-valid token demotes the last real admin
    result = await accounts.graphql.as_user(admin.token).execute(
        SET_ROLES, {"userId": other.id, "roles": ["CUSTOMER"]}
    )
    # Then it is refused and the admin keeps the role
    payload = result.ok()["setUserRoles"]
    assert codes(payload) == ["CANNOT_REMOVE_LAST_ADMIN"] and payload["user"] is None
    (row,) = await rows(accounts, "SELECT roles FROM users WHERE id = :id", id=other.id)
    assert row.roles == ["CUSTOMER", "ADMIN"]
