"""Service processes killed under the others, then started again: accounts while
catalog verifies tokens with the keys it fetched, and catalog under the gateway."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from prometheus_client.parser import text_string_to_metric_families
from redis.asyncio import Redis

from subgraphs.accounts.tokens import SigningKeys, TokenIssuer
from tests.support.accounts import register
from tests.support.databases import DatabaseFactory
from tests.support.fleet import Fleet, running_fleet
from tests.support.graphql import GraphQLClient
from tests.support.services import AUDIENCE, ISSUER, mint_token
from tests.support.shop import create_product

NAMES = ("accounts", "catalog", "gateway")
# Needs a valid admin: the token is verified before anything else happens.
ADMIN_PRODUCTS = "query { products(first: 1) { totalCount } }"
ME_AND_PRODUCT = "query Both($id: ID!) { me { id } product(id: $id) { id name } }"
UNKNOWN_KIDS = 20


@pytest.fixture(scope="module")
async def fleet_redis_url(redis_server_url: str) -> AsyncIterator[str]:
    # The tests of one module run one after another: a logical database the
    # fleet keeps for the module, emptied first.
    url = f"{redis_server_url.rsplit('/', 1)[0]}/15"
    client = Redis.from_url(url)
    await client.flushdb()
    await client.aclose()
    yield url


@pytest.fixture(scope="module")
async def fleet(
    tmp_path_factory: pytest.TempPathFactory,
    postgres_url: str,
    fleet_redis_url: str,
    databases: DatabaseFactory,
) -> AsyncIterator[Fleet]:
    home: Path = tmp_path_factory.mktemp("fleet") / "home"
    async with running_fleet(
        home,
        postgres_url=postgres_url,
        redis_url=fleet_redis_url,
        databases=databases,
        names=NAMES,
    ) as running:
        yield running


@pytest.fixture(autouse=True)
async def _all_running(fleet: Fleet) -> AsyncIterator[None]:
    yield
    for name in NAMES:
        if name not in fleet.processes:
            await fleet.start(name)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30, trust_env=False) as client:
        yield client


def foreign_token() -> str:
    """A well-formed token signed by a key accounts never published (an unknown kid)."""
    issuer = TokenIssuer(SigningKeys(current=Ed25519PrivateKey.generate()), ISSUER, AUDIENCE, 900)
    return issuer.issue(str(uuid.uuid4()), roles=["ADMIN"]).token


async def jwks_fetches(fleet: Fleet, http: httpx.AsyncClient, name: str) -> dict[str, float]:
    text = (await http.get(f"{fleet.url(name)}/metrics")).text
    counts: dict[str, float] = {"ok": 0.0, "failed": 0.0}
    for family in text_string_to_metric_families(text):
        if family.name == "minishop_jwks_fetches":
            for sample in family.samples:
                if sample.name.endswith("_total"):
                    counts[sample.labels["outcome"]] = sample.value
    return counts


async def test_accounts_killed_keys_cached_keep_working_unknown_kids_refused_and_throttled(
    fleet: Fleet, http: httpx.AsyncClient
) -> None:
    # Given catalog has verified a token, so it holds the accounts keys
    catalog = GraphQLClient(http, f"{fleet.url('catalog')}/graphql")
    admin = catalog.as_user(mint_token(str(uuid.uuid4()), roles=["ADMIN"]))
    (await admin.execute(ADMIN_PRODUCTS)).ok()
    fetched = await jwks_fetches(fleet, http, "catalog")
    assert fetched["ok"] >= 1

    # When accounts is killed
    await fleet.kill("accounts")

    # Then the cached keys still verify the admin's token
    kept = await admin.execute(ADMIN_PRODUCTS)
    assert kept.ok()["products"] is not None
    # And tokens of unknown kids are UNAUTHENTICATED, each one, with no data
    for _ in range(UNKNOWN_KIDS):
        refused = await catalog.as_user(foreign_token()).execute(ADMIN_PRODUCTS)
        assert refused.error_codes == ["UNAUTHENTICATED"], refused.body
        assert refused.data is None
    # And they did not each send a fetch to the dead accounts: at most one more
    # attempt within the refetch interval (10 s), not one per unknown kid
    after = await jwks_fetches(fleet, http, "catalog")
    assert after["ok"] == fetched["ok"]
    assert after["failed"] - fetched["failed"] <= 1
    # And accounts started again signs people in whose tokens catalog takes
    await fleet.start("accounts")
    gateway = GraphQLClient(http, fleet.url("gateway"))
    user_id, token = await register(gateway)
    me = (await gateway.as_user(token).execute("query { me { id } }")).ok()["me"]
    assert me == {"id": user_id}


async def test_catalog_killed_under_the_gateway_fails_its_fields_then_works_after_a_restart(
    fleet: Fleet, http: httpx.AsyncClient
) -> None:
    # Given a product, and a signed-in shopper asking the gateway for it and themself
    admin = GraphQLClient(
        http, f"{fleet.url('catalog')}/graphql", mint_token(str(uuid.uuid4()), roles=["ADMIN"])
    )
    product = await create_product(admin)
    gateway = GraphQLClient(http, fleet.url("gateway"))
    user_id, token = await register(gateway)
    shopper = gateway.as_user(token)
    variables = {"id": product["id"]}

    # When catalog is killed
    await fleet.kill("catalog")
    down = await shopper.execute(ME_AND_PRODUCT, variables)

    # Then the catalog's field is null with an error on its path, no internals in
    # the message, while the accounts field still answers
    assert down.status == 200, down.body
    assert down.data == {"me": {"id": user_id}, "product": None}
    assert [error.get("path") for error in down.errors] == [["product"]]
    message = down.errors[0]["message"].lower()
    assert "127.0.0.1" not in message and "econnrefused" not in message, message
    # And with catalog started again, the same gateway answers both fields
    await fleet.start("catalog")
    up = (await shopper.execute(ME_AND_PRODUCT, variables)).ok()
    assert up == {"me": {"id": user_id}, "product": {"id": product["id"], "name": product["name"]}}
