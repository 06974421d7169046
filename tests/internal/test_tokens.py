"""Service tokens: only the shared secret mints them, and only briefly, for one audience."""

from __future__ import annotations

import base64
import json

import jwt
import pytest

from shared.internal.tokens import (
    MAX_TTL_SECONDS,
    InvalidServiceToken,
    mint_service_token,
    verify_service_token,
)

SECRET = "a-test-secret-that-is-long-enough-000"
NOW = 1_800_000_000.0


def test_a_minted_token_names_its_caller() -> None:
    token = mint_service_token(SECRET, caller="orders", audience="catalog", now=NOW)
    assert verify_service_token(token, SECRET, audience="catalog", now=NOW + 10).name == "orders"


@pytest.mark.parametrize(
    ("case", "secret", "audience", "at"),
    [
        ("another secret", "some-other-secret-of-enough-length", "catalog", NOW),
        ("another audience", SECRET, "payments", NOW),
        ("expired", SECRET, "catalog", NOW + 60 + 31),
        ("issued in the future", SECRET, "catalog", NOW - 31),
    ],
)
def test_tokens_that_do_not_verify(case: str, secret: str, audience: str, at: float) -> None:
    token = mint_service_token(SECRET, caller="orders", audience="catalog", ttl_seconds=60, now=NOW)
    with pytest.raises(InvalidServiceToken):
        verify_service_token(token, secret, audience=audience, now=at)


def _resign_with_claims(token: str, **claims: object) -> str:
    """The token with its payload changed and the old signature kept (a forgery)."""
    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=="))
    data.update(claims)
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_a_tampered_payload_is_refused() -> None:
    token = mint_service_token(SECRET, caller="cart", audience="catalog", now=NOW)
    forged = _resign_with_claims(token, iss="orders")
    with pytest.raises(InvalidServiceToken):
        verify_service_token(forged, SECRET, audience="catalog", now=NOW)


@pytest.mark.parametrize("token", ["", "v1", "v1.a.b", "v2.abc.def", "v1.!!.??", "a.b.c.d"])
def test_malformed_tokens_are_refused(token: str) -> None:
    with pytest.raises(InvalidServiceToken):
        verify_service_token(token, SECRET, audience="catalog", now=NOW)


def test_minting_refuses_long_lives_and_odd_names() -> None:
    with pytest.raises(ValueError):
        mint_service_token(SECRET, caller="orders", audience="catalog", ttl_seconds=3600)
    with pytest.raises(ValueError):
        mint_service_token(SECRET, caller="Orders; drop", audience="catalog")


def test_a_signed_token_claiming_a_long_life_is_refused() -> None:
    claims = {"iss": "orders", "aud": "catalog", "iat": int(NOW), "exp": int(NOW) + 86_400}
    token = jwt.encode(claims, SECRET, algorithm="HS256")
    assert int(claims["exp"]) - int(claims["iat"]) > MAX_TTL_SECONDS
    with pytest.raises(InvalidServiceToken):
        verify_service_token(token, SECRET, audience="catalog", now=NOW)


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "catalog", "iat": int(NOW), "exp": int(NOW) + 60},
        {"iss": "orders", "iat": int(NOW), "exp": int(NOW) + 60},
        {"iss": "Orders; drop", "aud": "catalog", "iat": int(NOW), "exp": int(NOW) + 60},
        {"iss": "orders", "aud": "catalog", "iat": "soon", "exp": int(NOW) + 60},
    ],
)
def test_signed_tokens_with_missing_or_odd_claims_are_refused(claims: dict[str, object]) -> None:
    token = jwt.encode(claims, SECRET, algorithm="HS256")
    with pytest.raises(InvalidServiceToken):
        verify_service_token(token, SECRET, audience="catalog", now=NOW)


def test_a_token_signed_with_another_algorithm_is_refused() -> None:
    claims = {"iss": "orders", "aud": "catalog", "iat": int(NOW), "exp": int(NOW) + 60}
    for algorithm in ("HS512", "none"):
        token = jwt.encode(claims, SECRET if algorithm != "none" else None, algorithm=algorithm)
        with pytest.raises(InvalidServiceToken):
            verify_service_token(token, SECRET, audience="catalog", now=NOW)


def test_a_minted_token_is_a_standard_hs256_jwt() -> None:
    token = mint_service_token(SECRET, caller="orders", audience="catalog", now=NOW)
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt.decode(
        token,
        SECRET,
        algorithms=["HS256"],
        audience="catalog",
        options={"verify_exp": False, "verify_iat": False},
    )
    assert claims == {"iss": "orders", "aud": "catalog", "iat": int(NOW), "exp": int(NOW) + 60}


@pytest.mark.parametrize(
    "token",
    ["v1.ü.AAAA", "v1.ü.ü", "é.é.é", "eyJhbGciOiJIUzI1NiJ9.\u00ff.x", "\x00", "a" * 10_000],
)
def test_non_ascii_and_oversized_tokens_are_refused(token: str) -> None:
    with pytest.raises(InvalidServiceToken):
        verify_service_token(token, SECRET, audience="catalog", now=NOW)
