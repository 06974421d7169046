"""Register, login and `me` against the accounts subgraph (real Postgres)."""

from __future__ import annotations

from sqlalchemy import text

from tests.support.accounts import LOGIN, REGISTER
from tests.support.services import RunningService, mint_token

ME = "query Me { me { id email name roles createdAt } }"


async def test_register_normalises_email_and_signs_in(accounts: RunningService) -> None:
    result = await accounts.graphql.execute(
        REGISTER,
        {"input": {"email": "  Ada@Example.COM ", "password": "correct horse", "name": "Ada"}},
    )
    payload = result.ok()["register"]
    assert payload["userErrors"] == []
    assert payload["user"]["email"] == "ada@example.com"
    assert payload["user"]["roles"] == ["CUSTOMER"]
    assert payload["expiresIn"] == 900
    me = await accounts.graphql.as_user(payload["accessToken"]).execute(ME)
    assert me.ok()["me"]["id"] == payload["user"]["id"]


async def test_register_twice_is_email_taken_and_writes_nothing(accounts: RunningService) -> None:
    variables = {"input": {"email": "bo@example.com", "password": "password1", "name": "Bo"}}
    await accounts.graphql.execute(REGISTER, variables)
    variables["input"]["email"] = "BO@example.com"
    second = (await accounts.graphql.execute(REGISTER, variables)).ok()["register"]
    assert second["user"] is None and second["accessToken"] is None
    assert [e["code"] for e in second["userErrors"]] == ["EMAIL_TAKEN"]


async def test_register_reports_every_invalid_field(accounts: RunningService) -> None:
    variables = {"input": {"email": "not-an-email", "password": "short", "name": " "}}
    payload = (await accounts.graphql.execute(REGISTER, variables)).ok()["register"]
    assert sorted(e["field"][0] for e in payload["userErrors"]) == ["email", "name", "password"]
    assert {e["code"] for e in payload["userErrors"]} == {"INVALID_INPUT"}
    login = await accounts.graphql.execute(
        LOGIN, {"input": {"email": "not-an-email", "password": "short"}}
    )
    assert login.ok()["login"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"


async def test_login_wrong_password_and_unknown_email_answer_the_same(
    accounts: RunningService,
) -> None:
    await accounts.graphql.execute(
        REGISTER, {"input": {"email": "cy@example.com", "password": "password1", "name": "Cy"}}
    )
    wrong = await accounts.graphql.execute(
        LOGIN, {"input": {"email": "cy@example.com", "password": "password2"}}
    )
    unknown = await accounts.graphql.execute(
        LOGIN, {"input": {"email": "nobody@example.com", "password": "password2"}}
    )
    assert wrong.ok()["login"] == unknown.ok()["login"]
    assert wrong.ok()["login"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    right = await accounts.graphql.execute(
        LOGIN, {"input": {"email": "CY@example.com", "password": "password1"}}
    )
    assert right.ok()["login"]["accessToken"]


async def test_me_is_null_when_anonymous(accounts: RunningService) -> None:
    assert (await accounts.graphql.execute(ME)).ok() == {"me": None}


async def test_tampered_token_is_unauthenticated_not_anonymous(accounts: RunningService) -> None:
    token = mint_token("00000000-0000-0000-0000-000000000001")
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
    result = await accounts.graphql.as_user(tampered).execute(ME)
    assert result.data is None
    assert result.error_codes == ["UNAUTHENTICATED"]
    garbage = await accounts.graphql.execute(ME, Authorization="Basic abc")
    assert garbage.error_codes == ["UNAUTHENTICATED"]


async def test_jwks_publishes_the_signing_key(accounts: RunningService) -> None:
    response = await accounts.http.get("/.well-known/jwks.json")
    keys = response.json()["keys"]
    assert [key["kty"] for key in keys] == ["OKP"]
    assert "d" not in keys[0]  # the private part never leaves


async def test_register_records_user_registered_only_when_it_commits(
    accounts: RunningService,
) -> None:
    variables = {"input": {"email": "ev@example.com", "password": "password1", "name": "Ev"}}
    await accounts.graphql.execute(REGISTER, variables)
    await accounts.graphql.execute(REGISTER, variables)  # EMAIL_TAKEN: rolled back
    assert accounts.state.engine is not None
    async with accounts.state.engine.connect() as connection:
        rows = (await connection.execute(text("SELECT type, envelope FROM outbox"))).all()
    assert [row.type for row in rows] == ["UserRegistered"]
    assert rows[0].envelope["data"]["email"] == "ev@example.com"
    assert rows[0].envelope["source"] == "accounts"
