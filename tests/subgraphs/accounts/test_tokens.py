"""Which access tokens the service accepts, and the JWKS during a key rotation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.auth.keys import public_jwk
from shared.auth.verifier import StaticKeySource, TokenVerifier
from subgraphs.accounts import passwords
from tests.subgraphs.accounts.conftest import Member, start_accounts
from tests.support.databases import DatabaseFactory
from tests.support.services import AUDIENCE, ISSUER, SIGNING_KEY, RunningService

ME = "query Me { me { id } }"
KID = public_jwk(SIGNING_KEY)["kid"]


def _token(subject: str, key: Ed25519PrivateKey = SIGNING_KEY, **overrides: Any) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": subject,
        "roles": ["CUSTOMER"],
        "scope": "",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + timedelta(minutes=15),
        "jti": "t1",
        **overrides,
    }
    claims = {name: value for name, value in claims.items() if value is not None}
    kid = public_jwk(key)["kid"]
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": kid})


async def _me(accounts: RunningService, token: str) -> Any:
    return await accounts.graphql.as_user(token).execute(ME)


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"exp": datetime.now(UTC) - timedelta(minutes=5)}, id="expired"),
        pytest.param({"aud": "someone-else"}, id="wrong-audience"),
        pytest.param({"iss": "evil-accounts"}, id="wrong-issuer"),
        pytest.param({"exp": None}, id="no-exp"),
    ],
)
async def test_tokens_that_are_not_for_us_are_unauthenticated(
    accounts: RunningService, customer: Member, overrides: dict[str, Any]
) -> None:
    token = _token(customer.id, **overrides)
    result = await _me(accounts, token)
    assert result.error_codes == ["UNAUTHENTICATED"] and result.data is None


async def test_forged_and_tampered_tokens_are_unauthenticated(
    accounts: RunningService, customer: Member
) -> None:
    # Signed by a stranger's key under our key id.
    forged = jwt.encode(
        jwt.decode(_token(customer.id), options={"verify_signature": False}),
        Ed25519PrivateKey.generate(),
        algorithm="EdDSA",
        headers={"kid": KID},
    )
    # Claims edited after signing: made an admin.
    header, _, signature = customer.token.split(".")
    promoted = jwt.encode(
        {**jwt.decode(customer.token, options={"verify_signature": False}), "roles": ["ADMIN"]},
        "x" * 32,
        algorithm="HS256",
    ).split(".")[1]
    tampered = f"{header}.{promoted}.{signature}"
    unsigned = jwt.encode(
        jwt.decode(customer.token, options={"verify_signature": False}), None, algorithm="none"
    )
    for token in (forged, tampered, unsigned, "not.a.jwt"):
        assert (await _me(accounts, token)).error_codes == ["UNAUTHENTICATED"]


async def test_an_expiry_within_the_clock_leeway_is_accepted(
    accounts: RunningService, customer: Member
) -> None:
    token = _token(customer.id, exp=datetime.now(UTC) - timedelta(seconds=5))
    assert (await _me(accounts, token)).ok() == {"me": {"id": customer.id}}


@pytest.fixture
async def rotating(
    databases: DatabaseFactory, redis_url: str, tmp_path: Path
) -> AsyncIterator[tuple[RunningService, Ed25519PrivateKey]]:
    retired = Ed25519PrivateKey.generate()
    path = tmp_path / "retired.pem"
    path.write_bytes(
        retired.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    env = {"ACCOUNTS_JWT_RETIRED_KEY_FILES": f'["{path}"]'}
    async for running in start_accounts(databases, redis_url, env=env):
        yield running, retired


async def test_during_a_rotation_the_jwks_holds_both_keys_and_both_verify(
    rotating: tuple[RunningService, Ed25519PrivateKey],
) -> None:
    accounts, retired = rotating
    jwks = (await accounts.http.get("/.well-known/jwks.json")).json()
    assert [key["kid"] for key in jwks["keys"]] == [KID, public_jwk(retired)["kid"]]
    assert all("d" not in key for key in jwks["keys"])
    # A subgraph verifying through this JWKS accepts tokens of either key.
    verifier = TokenVerifier(StaticKeySource(jwks), ISSUER, AUDIENCE)
    for key in (SIGNING_KEY, retired):
        principal = await verifier.verify(_token("00000000-0000-0000-0000-000000000001", key))
        assert principal.subject == "00000000-0000-0000-0000-000000000001"
    # New tokens are signed with the current key only.
    issuer = accounts.state.parts.issuer
    assert jwt.get_unverified_header(issuer.issue("u").token)["kid"] == KID


def test_the_timing_equaliser_hash_uses_the_current_parameters() -> None:
    assert not passwords.needs_rehash(passwords.TIMING_EQUALISER_HASH)
