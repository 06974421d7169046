"""Persisted operations, partners and the client's address, through the real Hive Gateway.

Given the toy subgraphs, a toy manifest and the gateway in development mode,
when callers send registered operations by id or by text, ad-hoc documents, or
X-Forwarded-For, then partners run only registered operations, the subgraphs
get a signed manifest id for exactly what they are asked, and the address
they are vouched for is the TCP peer unless a trusted proxy forwarded it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared.operations import load_operations
from tests.gateway.conftest import Gateway, running_gateway
from tests.gateway.support import (
    TOY_OPERATIONS,
    by_hash,
    codes,
    manifest_body,
    partner_token,
    post,
    write_toy_manifest,
)
from tests.gateway.toy_subgraphs import RunningSubgraph

HEADERS_QUERY = TOY_OPERATIONS["headers.graphql"]
AD_HOC = "{ products { id name } }"
GRAPH_RESPONSE = {"accept": "application/graphql-response+json"}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    return write_toy_manifest(tmp_path_factory.mktemp("manifest"))


def _settings(
    toy_subgraphs: dict[str, RunningSubgraph], manifest_path: Path, **extra: str
) -> dict[str, str]:
    return {
        "MINISHOP_SUBGRAPH_PRODUCTS_URL": toy_subgraphs["products"].url,
        "MINISHOP_SUBGRAPH_REVIEWS_URL": toy_subgraphs["reviews"].url,
        "MINISHOP_PERSISTED_QUERIES_MANIFEST": str(manifest_path),
        **extra,
    }


@pytest.fixture(scope="module")
def gateway(
    toy_supergraph: Path,
    toy_subgraphs: dict[str, RunningSubgraph],
    manifest: tuple[Path, dict[str, str]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Gateway]:
    settings = _settings(toy_subgraphs, manifest[0])
    with running_gateway(toy_supergraph, tmp_path_factory.mktemp("trusted"), settings) as gw:
        yield gw


@pytest.fixture(scope="module")
def proxied_gateway(
    toy_supergraph: Path,
    toy_subgraphs: dict[str, RunningSubgraph],
    manifest: tuple[Path, dict[str, str]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Gateway]:
    """Behind a trusted proxy on 127.0.0.1, and registered operations only for everyone."""
    settings = _settings(
        toy_subgraphs,
        manifest[0],
        MINISHOP_TRUSTED_PROXIES="10.9.0.0/16, 127.0.0.1/32",
        MINISHOP_TRUSTED_DOCUMENTS="all",
    )
    with running_gateway(toy_supergraph, tmp_path_factory.mktemp("proxied"), settings) as gw:
        yield gw


def seen(response: httpx.Response) -> list[dict[str, str | None]]:
    """What each subgraph call carried: the root fetch, then each entity fetch."""
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    return [data["productsHeaders"], *(p["reviewsHeaders"] for p in data["products"])]


# --- registered operations ------------------------------------------------------


def test_registered_operation_runs_by_hash_and_every_subgraph_gets_its_signed_id(
    gateway: Gateway, manifest: tuple[Path, dict[str, str]]
) -> None:
    operation_id = manifest[1]["ToyHeaders"]

    response = post(gateway, by_hash(operation_id))

    assert {headers["operation"] for headers in seen(response)} == {operation_id}


def test_full_text_of_a_registered_operation_counts_as_registered(
    gateway: Gateway, manifest: tuple[Path, dict[str, str]]
) -> None:
    body = manifest_body(manifest[0], "ToyHeaders")

    response = post(gateway, {"query": body})

    assert {h["operation"] for h in seen(response)} == {manifest[1]["ToyHeaders"]}


def test_ad_hoc_document_runs_for_first_party_callers_without_an_operation_id(
    gateway: Gateway,
) -> None:
    response = post(gateway, {"query": HEADERS_QUERY})

    assert {h["operation"] for h in seen(response)} == {None}


@pytest.mark.parametrize(
    ("extensions", "code"),
    [
        ({"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}, "PERSISTED_QUERY_NOT_FOUND"),
        ({"persistedQuery": {"version": 2, "sha256Hash": "0" * 64}}, "PERSISTED_QUERY_INVALID"),
        ({"persistedQuery": {"version": 1}}, "PERSISTED_QUERY_INVALID"),
        ({"persistedQuery": "yes"}, "PERSISTED_QUERY_INVALID"),
    ],
    ids=["unknown", "version", "no-hash", "not-an-object"],
)
@pytest.mark.parametrize("headers", [{}, GRAPH_RESPONSE], ids=["json", "graphql-response"])
def test_unknown_or_malformed_persisted_query_is_a_400_not_a_5xx(
    gateway: Gateway, extensions: dict[str, object], code: str, headers: dict[str, str]
) -> None:
    response = post(gateway, {"extensions": extensions}, headers)

    assert response.status_code == 400, response.text
    assert codes(response) == [code]


def test_hash_sent_with_another_query_is_refused(
    gateway: Gateway, manifest: tuple[Path, dict[str, str]]
) -> None:
    response = post(gateway, {"query": AD_HOC, **by_hash(manifest[1]["ToyCatalog"])})

    assert response.status_code == 400
    assert codes(response) == ["PERSISTED_QUERY_HASH_MISMATCH"]


# --- partners -------------------------------------------------------------------


def test_partner_runs_a_registered_operation_by_hash(
    gateway: Gateway, manifest: tuple[Path, dict[str, str]]
) -> None:
    headers = {"authorization": f"Bearer {partner_token()}"}

    response = post(gateway, by_hash(manifest[1]["ToyCatalog"]), headers)

    assert response.status_code == 200
    assert response.json()["data"]["products"][0] == {
        "id": "1",
        "name": "Teapot",
        "reviews": ["Brews well."],
        "__typename": "Product",  # the manifest's text is Apollo Client's, which asks for it
    }


def test_partner_ad_hoc_document_is_refused_with_a_clear_error(gateway: Gateway) -> None:
    headers = {"authorization": f"Bearer {partner_token()}"}

    response = post(gateway, {"query": AD_HOC}, headers)

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "PERSISTED_QUERY_NOT_IN_LIST"}
    assert "Partner clients may only run registered operations" in error["message"]


def test_all_callers_are_held_to_registered_operations_when_trusted_documents_is_all(
    proxied_gateway: Gateway, manifest: tuple[Path, dict[str, str]]
) -> None:
    refused = post(proxied_gateway, {"query": AD_HOC})
    allowed = post(proxied_gateway, by_hash(manifest[1]["ToyCatalog"]))

    assert refused.status_code == 400
    assert codes(refused) == ["PERSISTED_QUERY_NOT_IN_LIST"]
    assert allowed.json()["data"]["products"][1]["name"] == "Kettle"


# --- the client's address ----------------------------------------------------------


def test_address_is_the_tcp_peer_and_x_forwarded_for_changes_nothing(gateway: Gateway) -> None:
    forged = {"x-forwarded-for": "203.0.113.5", "x-minishop-client-address": "198.51.100.7"}

    for headers in ({}, forged):
        for call in seen(post(gateway, {"query": HEADERS_QUERY}, headers)):
            assert call["clientAddress"] == "127.0.0.1"
            assert call["forwardedFor"] is None


@pytest.mark.parametrize(
    ("forwarded_for", "address"),
    [
        ("203.0.113.5", "203.0.113.5"),
        ("198.51.100.1, 203.0.113.5", "203.0.113.5"),  # the left one is the client's own claim
        ("203.0.113.5, 10.9.1.1", "203.0.113.5"),  # through a second trusted proxy
        ("2001:db8::5", "2001:db8::5"),
        ("not-an-address", "127.0.0.1"),
    ],
)
def test_x_forwarded_for_is_read_from_a_trusted_proxy(
    proxied_gateway: Gateway,
    manifest: tuple[Path, dict[str, str]],
    forwarded_for: str,
    address: str,
) -> None:
    response = post(
        proxied_gateway, by_hash(manifest[1]["ToyHeaders"]), {"x-forwarded-for": forwarded_for}
    )

    assert {call["clientAddress"] for call in seen(response)} == {address}


# --- GraphiQL -----------------------------------------------------------------------


def test_graphiql_preloads_every_operation_of_schema_operations_as_tabs(gateway: Gateway) -> None:
    page = httpx.get(gateway.graphql_url, headers={"accept": "text/html"}, timeout=30).text
    start = page.index('"defaultTabs":') + len('"defaultTabs":')
    tabs, _ = json.JSONDecoder().raw_decode(page[start:])

    queries = [tab["query"] for tab in tabs]
    assert '{"Authorization": "Bearer <accessToken>"}' in queries[0]
    names = {operation.name for operation in load_operations()}
    assert len(queries) == len(names) + 1
    checkout = next(q for q in queries if "mutation Checkout(" in q)
    assert checkout.startswith("# operations/storefront/checkout.graphql\n")
    assert "fragment OrderDetail on Order" in checkout
    assert "fragment MoneyFields on Money" in checkout
