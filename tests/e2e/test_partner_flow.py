"""A partner's whole way in, through the gateway of the full stack.

Given an admin, when they create an API client and the partner exchanges its
credentials for a token, then the partner runs a registered operation by its
manifest id and is refused an ad-hoc document, at the gateway and, should a
request get past it, at the subgraph too.
"""

from __future__ import annotations

from typing import Any

import httpx

from shared.operations import load_operations
from tests.e2e.conftest import Stack

OPERATIONS = {operation.name: operation for operation in load_operations()}
AD_HOC = "query Mine { products(first: 1) { nodes { id name } } }"


async def by_hash(
    http: httpx.AsyncClient,
    url: str,
    name: str,
    variables: dict[str, Any],
    token: str | None = None,
) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    body = {
        "variables": variables,
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": OPERATIONS[name].id}},
    }
    return await http.post(url, json=body, headers=headers)


async def partner_token(http: httpx.AsyncClient, stack: Stack, admin_token: str) -> str:
    created = await by_hash(
        http,
        stack.gateway_url,
        "CreateApiClient",
        {"input": {"name": "E2E partner flow", "scopes": ["catalog:read"]}},
        admin_token,
    )
    payload = created.json()["data"]["createApiClient"]
    assert payload["userErrors"] == [], payload
    issued = await by_hash(
        http,
        stack.gateway_url,
        "IssueClientToken",
        {"clientId": payload["apiClient"]["clientId"], "clientSecret": payload["clientSecret"]},
    )
    token = issued.json()["data"]["issueClientToken"]
    assert token["userErrors"] == [], token
    return str(token["accessToken"])


async def test_partner_runs_a_manifest_operation_by_hash_and_is_refused_ad_hoc(
    stack: Stack, admin_token: str
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        token = await partner_token(http, stack, admin_token)

        registered = await by_hash(http, stack.gateway_url, "PartnerProducts", {"first": 5}, token)
        ad_hoc = await http.post(
            stack.gateway_url,
            json={"query": AD_HOC},
            headers={"authorization": f"Bearer {token}"},
        )
        public = await http.post(
            stack.gateway_url, json={"query": "query { products(first: 1) { totalCount } }"}
        )
        unknown = await http.post(
            stack.gateway_url,
            json={"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}},
            headers={"authorization": f"Bearer {token}"},
        )

    assert registered.status_code == 200
    body = registered.json()
    assert "errors" not in body, body
    # The partner's list is the catalogue anyone sees, not an empty answer.
    listed = body["data"]["products"]
    assert listed["totalCount"] == public.json()["data"]["products"]["totalCount"] > 0
    assert len(listed["nodes"]) == 5
    assert ad_hoc.status_code == 400
    [error] = ad_hoc.json()["errors"]
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
    assert "Partner clients may only run registered operations" in error["message"]
    assert unknown.status_code == 400
    assert [e["extensions"]["code"] for e in unknown.json()["errors"]] == [
        "PERSISTED_QUERY_NOT_FOUND"
    ]


async def test_subgraph_refuses_a_partners_document_that_did_not_come_through_the_gateway(
    stack: Stack, admin_token: str
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        token = await partner_token(http, stack, admin_token)
        direct = await http.post(
            f"{stack.service_urls['catalog']}/graphql",
            json={"query": AD_HOC},
            headers={
                "authorization": f"Bearer {token}",
                # A copy of what the gateway sends, without its signature.
                "x-minishop-operation": OPERATIONS["PartnerProducts"].id,
            },
        )

    [error] = direct.json()["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert direct.json().get("data") is None
