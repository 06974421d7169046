"""The shared verifier accepts only our signature, issuer, audience and a live `exp`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import RSAAlgorithm

from shared.auth.keys import public_jwk
from shared.auth.verifier import InvalidTokenError, StaticKeySource, TokenVerifier, bearer_token

KEY = Ed25519PrivateKey.generate()
OTHER_KEY = Ed25519PrivateKey.generate()
KID = public_jwk(KEY)["kid"]


def _verifier() -> TokenVerifier:
    return TokenVerifier(
        StaticKeySource({"keys": [public_jwk(KEY)]}), "minishop-accounts", "minishop", 30
    )


def _token(key: Ed25519PrivateKey = KEY, kid: str = KID, **overrides: Any) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": "user-1",
        "roles": ["CUSTOMER"],
        "scope": "catalog:read",
        "iss": "minishop-accounts",
        "aud": "minishop",
        "iat": now,
        "exp": now + timedelta(minutes=15),
        "jti": "j1",
        **overrides,
    }
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": kid})


async def test_valid_token_gives_the_principal() -> None:
    principal = await _verifier().verify(_token())
    assert principal.subject == "user-1"
    assert principal.roles == frozenset({"CUSTOMER"})
    assert principal.has_scope("catalog:read")
    assert not principal.is_admin and not principal.is_partner


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(_token(exp=datetime.now(UTC) - timedelta(minutes=5)), id="expired"),
        pytest.param(_token(aud="someone-else"), id="wrong-audience"),
        pytest.param(_token(iss="evil"), id="wrong-issuer"),
        pytest.param(_token(key=OTHER_KEY), id="forged-signature"),
        pytest.param(_token(kid="unknown"), id="unknown-kid"),
        pytest.param(_token(exp=None), id="no-exp"),
        pytest.param(
            jwt.encode({"sub": "x"}, None, algorithm="none", headers={"kid": KID}), id="alg-none"
        ),
        pytest.param("not.a.jwt", id="garbage"),
    ],
)
async def test_rejected_tokens(token: str) -> None:
    with pytest.raises(InvalidTokenError):
        await _verifier().verify(token)


async def test_clock_leeway_accepts_a_just_expired_token() -> None:
    token = _token(exp=datetime.now(UTC) - timedelta(seconds=5))
    assert (await _verifier().verify(token)).subject == "user-1"


def test_bearer_token_parsing() -> None:
    assert bearer_token(None) is None
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("bearer  abc ") == "abc"
    assert bearer_token("Basic abc") == ""
    assert bearer_token("Bearer ") == ""


async def test_only_our_signing_algorithm_is_accepted_even_with_a_published_rsa_key() -> None:
    # Given a JWKS that (by mistake) also publishes an RSA key
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa_jwk = {**json.loads(RSAAlgorithm.to_jwk(rsa_key.public_key())), "kid": "rsa-1"}
    verifier = TokenVerifier(
        StaticKeySource({"keys": [public_jwk(KEY), rsa_jwk]}), "minishop-accounts", "minishop", 30
    )
    now = datetime.now(UTC)
    claims = {"sub": "u", "iss": "minishop-accounts", "aud": "minishop", "iat": now}
    token = jwt.encode(
        {**claims, "exp": now + timedelta(minutes=5)},
        rsa_key,
        algorithm="RS256",
        headers={"kid": "rsa-1"},
    )
    # When a token signed with it arrives, then it is refused: accounts signs with EdDSA only
    with pytest.raises(InvalidTokenError):
        await verifier.verify(token)
