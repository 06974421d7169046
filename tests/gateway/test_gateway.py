"""The gateway's policies, checked against the real Hive Gateway and real subgraphs.

Given two toy subgraphs and a supergraph whose routing URLs lead nowhere, when
the gateway runs with MINISHOP_SUBGRAPH_<NAME>_URL overrides, then it federates
queries, forwards exactly the headers it should, and enforces MiniShop's
limits, CORS, CSRF and error masking.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.schema_pipeline import REPO_ROOT, compose, export_subgraph_sdl
from shared.services import SERVICES
from tests.gateway.conftest import (
    Gateway,
    refused_start_output,
    running_gateway,
)
from tests.gateway.toy_subgraphs import INTERNAL_HOST, NOT_FOUND_MESSAGE, RunningSubgraph

SHOP_ORIGIN = "https://shop.minishop.test"
ADMIN_ORIGIN = "https://admin.minishop.test"
FOREIGN_ORIGIN = "https://evil.example"

PRODUCTS_WITH_REVIEWS = "{ products { id name reviews } }"
HEADERS_SEEN = """
{
  productsHeaders { authorization requestId serviceToken }
  products { id reviewsHeaders { authorization requestId serviceToken } }
}
"""
JSON = {"content-type": "application/json"}
SUBGRAPHS_DIR = REPO_ROOT / "subgraphs"


def without_cost(response: httpx.Response) -> dict[str, Any]:
    """The answer without the cost estimate development adds to every one."""
    body: dict[str, Any] = response.json()
    extensions = body.pop("extensions", {})
    extensions.pop("cost", None)
    if extensions:
        body["extensions"] = extensions
    return body


def toy_locations(toy_subgraphs: dict[str, RunningSubgraph]) -> dict[str, str]:
    """The settings that send the gateway to the running toy subgraphs."""
    return {
        "MINISHOP_SUBGRAPH_PRODUCTS_URL": toy_subgraphs["products"].url,
        "MINISHOP_SUBGRAPH_REVIEWS_URL": toy_subgraphs["reviews"].url,
    }


def nested_related(depth: int) -> str:
    """A query whose deepest field sits at `depth` (products = 1, id = depth)."""
    inner = "id"
    for _ in range(depth - 2):
        inner = f"related {{ {inner} }}"
    return f"{{ products {{ {inner} }} }}"


@pytest.fixture(scope="module")
def gateway(
    toy_supergraph: Path,
    toy_subgraphs: dict[str, RunningSubgraph],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Gateway]:
    settings = {
        **toy_locations(toy_subgraphs),
        "MINISHOP_CORS_ORIGINS": f"{SHOP_ORIGIN}, {ADMIN_ORIGIN}",
    }
    with running_gateway(toy_supergraph, tmp_path_factory.mktemp("gateway"), settings) as gw:
        yield gw


@pytest.fixture(scope="module")
def locked_gateway(
    toy_supergraph: Path,
    toy_subgraphs: dict[str, RunningSubgraph],
    unreachable_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Gateway]:
    """Introspection off, default CORS origins, and the reviews subgraph down."""
    settings = {
        "MINISHOP_SUBGRAPH_PRODUCTS_URL": toy_subgraphs["products"].url,
        "MINISHOP_SUBGRAPH_REVIEWS_URL": unreachable_url,
        "MINISHOP_INTROSPECTION": "off",
    }
    with running_gateway(toy_supergraph, tmp_path_factory.mktemp("locked"), settings) as gw:
        yield gw


def post(
    gateway: Gateway, query: str, headers: dict[str, str] | None = None, **body: Any
) -> httpx.Response:
    return httpx.post(
        gateway.graphql_url,
        json={"query": query, **body},
        headers=headers or {},
        timeout=10,
    )


def error_messages(response: httpx.Response) -> list[str]:
    return [error["message"] for error in response.json().get("errors", [])]


# --- federation and header propagation -------------------------------------


def test_entity_query_joins_fields_from_both_subgraphs(gateway: Gateway) -> None:
    response = post(gateway, PRODUCTS_WITH_REVIEWS)

    assert response.status_code == 200, response.text
    assert without_cost(response) == {
        "data": {
            "products": [
                {"id": "1", "name": "Teapot", "reviews": ["Brews well."]},
                {"id": "2", "name": "Kettle", "reviews": ["Loud.", "Fast."]},
            ]
        }
    }


def test_supergraph_routing_urls_are_overridden_by_env(
    gateway: Gateway, toy_supergraph: Path, unreachable_url: str
) -> None:
    # The supergraph only knows the dead URL; answers came through the overrides.
    assert toy_supergraph.read_text().count(f'url: "{unreachable_url}"') == 2
    assert without_cost(post(gateway, "{ reviewCount }")) == {"data": {"reviewCount": 3}}


def test_authorization_and_request_id_reach_every_subgraph(gateway: Gateway) -> None:
    headers = {
        "authorization": "Bearer token-123",
        "x-request-id": "req-42.a:b_c",
        "x-minishop-service-token": "forged",
    }

    response = post(gateway, HEADERS_SEEN, headers)

    assert response.status_code == 200, response.text
    data = response.json()["data"]
    expected = {"authorization": "Bearer token-123", "requestId": "req-42.a:b_c"}
    seen = [data["productsHeaders"], *(p["reviewsHeaders"] for p in data["products"])]
    for headers_seen in seen:
        assert headers_seen == {**expected, "serviceToken": None}
    assert response.headers["x-request-id"] == "req-42.a:b_c"


@pytest.mark.parametrize("sent", [None, "has spaces and {braces}", "x" * 129])
def test_request_id_is_generated_when_missing_or_malformed(
    gateway: Gateway, sent: str | None
) -> None:
    response = post(gateway, HEADERS_SEEN, {"x-request-id": sent} if sent else {})

    generated = response.headers["x-request-id"]
    assert generated != sent
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    data = response.json()["data"]
    assert data["productsHeaders"]["requestId"] == generated
    assert {p["reviewsHeaders"]["requestId"] for p in data["products"]} == {generated}


NAMES_SEEN = """
query Shelf {
  productsHeaders { operationName }
  products { reviewsHeaders { operationName } }
}
"""


@pytest.fixture(scope="module")
def rust_planner_gateway(
    toy_supergraph: Path,
    toy_subgraphs: dict[str, RunningSubgraph],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Gateway]:
    settings = {**toy_locations(toy_subgraphs), "MINISHOP_QUERY_PLANNER": "rust"}
    with running_gateway(toy_supergraph, tmp_path_factory.mktemp("rust-planner"), settings) as gw:
        yield gw


@pytest.mark.parametrize("planner", ["javascript", "rust"])
def test_every_subgraph_call_carries_the_client_operation_name(
    planner: str, request: pytest.FixtureRequest
) -> None:
    # Subgraphs name their spans and per-operation metrics after it.
    gw = request.getfixturevalue("gateway" if planner == "javascript" else "rust_planner_gateway")

    data = post(gw, NAMES_SEEN).json()["data"]
    anonymous = post(gw, "{ productsHeaders { operationName } }").json()["data"]

    assert data["productsHeaders"] == {"operationName": "Shelf"}
    assert [p["reviewsHeaders"] for p in data["products"]] == [{"operationName": "Shelf"}] * 2
    assert anonymous["productsHeaders"] == {"operationName": None}


def test_an_unknown_query_planner_is_refused_at_start(
    toy_supergraph: Path, router_packages: Path
) -> None:
    output = refused_start_output(toy_supergraph, {"MINISHOP_QUERY_PLANNER": "fastest"})

    assert "MINISHOP_QUERY_PLANNER must be rust or javascript" in output


def test_no_authorization_header_means_none_is_forwarded(gateway: Gateway) -> None:
    data = post(gateway, HEADERS_SEEN).json()["data"]

    assert data["productsHeaders"]["authorization"] is None


# --- what the public graph refuses --------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        '{ _entities(representations: [{__typename: "Product", id: "1"}]) { __typename } }',
        "{ _service { sdl } }",
    ],
)
def test_federation_internals_are_not_exposed(gateway: Gateway, query: str) -> None:
    response = post(gateway, query)

    assert response.status_code < 500
    body = response.json()
    assert body.get("data") is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]


def test_federation_internals_get_400_from_graphql_over_http_clients(gateway: Gateway) -> None:
    response = httpx.post(
        gateway.graphql_url,
        json={"query": "{ _service { sdl } }"},
        headers={"accept": "application/graphql-response+json"},
        timeout=10,
    )

    assert response.status_code == 400


@pytest.mark.parametrize("body", [b'{"query": ', b"not json at all", b'["query"]'])
def test_malformed_json_body_is_a_client_error(gateway: Gateway, body: bytes) -> None:
    response = httpx.post(gateway.graphql_url, content=body, headers=JSON, timeout=10)

    assert 400 <= response.status_code < 500, response.text


def test_query_at_depth_limit_runs_and_one_deeper_is_rejected(gateway: Gateway) -> None:
    allowed = post(gateway, nested_related(12))
    too_deep = post(gateway, nested_related(13))

    assert allowed.json().get("errors") is None, allowed.text
    assert too_deep.json().get("data") is None
    assert any("depth limit of 12" in m for m in error_messages(too_deep)), too_deep.text


def test_development_answers_carry_the_cost_estimate_with_lists_multiplied(
    gateway: Gateway,
) -> None:
    # `products` and `similar` are lists of ten to the estimate, objects cost one
    one_level = post(gateway, "{ products { id } }")
    two_levels = post(gateway, "{ products { id similar { id } } }")

    assert one_level.json()["extensions"]["cost"] == {"estimated": 10, "max": 5000}
    assert two_levels.json()["extensions"]["cost"] == {"estimated": 10 + 100, "max": 5000}
    assert two_levels.json()["data"]["products"][0]["similar"] == [{"id": "2"}]


def test_an_operation_over_the_cost_maximum_is_refused(gateway: Gateway) -> None:
    response = post(gateway, "{ products { similar { similar { similar { id } } } } }")

    assert response.status_code < 500
    assert response.json().get("data") is None
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "COST_ESTIMATED_TOO_EXPENSIVE"
    assert error["extensions"]["cost"] == {"estimated": 11110, "max": 5000}


def test_too_many_aliases_are_rejected(gateway: Gateway) -> None:
    def aliases(n: int) -> str:
        return "{ " + " ".join(f"a{i}: reviewCount" for i in range(n)) + " }"

    assert post(gateway, aliases(30)).json()["data"]["a29"] == 3
    rejected = post(gateway, aliases(31))
    assert rejected.json().get("data") is None
    assert any("Aliases limit of 30" in m for m in error_messages(rejected)), rejected.text


def test_too_many_tokens_are_rejected(gateway: Gateway) -> None:
    query = "{ products { " + " ".join(["id"] * 2100) + " } }"

    response = post(gateway, query)

    assert response.json().get("data") is None
    assert any("Token limit of 2000" in m for m in error_messages(response)), response.text


def test_oversized_body_is_refused_before_parsing(gateway: Gateway) -> None:
    response = post(gateway, "{ reviewCount }", variables={"padding": "x" * 300_000})

    assert response.status_code == 413


# --- errors ------------------------------------------------------------------


def test_unexpected_subgraph_error_is_masked(gateway: Gateway) -> None:
    response = post(gateway, "{ crash }")

    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["message"] == "Internal server error."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert error["path"] == ["crash"]
    assert INTERNAL_HOST.split(":")[0] not in response.text


def test_subgraph_error_with_a_public_code_reaches_the_client(gateway: Gateway) -> None:
    [error] = post(gateway, "{ missing }").json()["errors"]

    assert error["message"] == NOT_FOUND_MESSAGE
    assert error["extensions"]["code"] == "NOT_FOUND"


def test_unreachable_subgraph_gives_a_generic_error(
    locked_gateway: Gateway, unreachable_url: str
) -> None:
    response = post(locked_gateway, "{ reviewCount }")

    [error] = response.json()["errors"]
    assert error["message"] == "Internal server error."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    port = unreachable_url.split(":")[2].split("/")[0]
    for leak in ("ECONNREFUSED", "127.0.0.1", port, "stack", "at "):
        assert leak not in response.text


def test_other_subgraphs_keep_working_when_one_is_down(locked_gateway: Gateway) -> None:
    response = post(locked_gateway, "{ products { id name } }")

    assert without_cost(response) == {
        "data": {"products": [{"id": "1", "name": "Teapot"}, {"id": "2", "name": "Kettle"}]}
    }


# --- GraphiQL and introspection -------------------------------------------------


class _AssetCollector(HTMLParser):
    """Collects every URL the page would load by itself (scripts, styles, frames, images)."""

    LOADING_ATTRIBUTES = {
        "script": "src",
        "link": "href",
        "img": "src",
        "iframe": "src",
        "source": "src",
    }

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_title = tag == "title"
        attribute = self.LOADING_ATTRIBUTES.get(tag)
        for name, value in attrs:
            if name == attribute and value:
                self.urls.append(value)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False


def test_graphiql_page_is_served_with_every_asset_inlined(gateway: Gateway) -> None:
    response = httpx.get(gateway.graphql_url, headers={"accept": "text/html"}, timeout=30)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = _AssetCollector()
    page.feed(response.text)
    assert page.title == "MiniShop"
    external = [url for url in page.urls if not url.startswith("data:")]
    assert external == []
    # Nor may scripts or styles pull anything in at run time.
    assert not re.search(r"""import\s*\(\s*["']https?://""", response.text)
    assert not re.search(r"""@import\s+(url\()?\s*["']?https?://""", response.text)
    assert '"defaultQuery":"# MiniShop' in response.text
    assert "products(first: 5)" in response.text


def test_introspection_is_on_by_default(gateway: Gateway) -> None:
    response = post(gateway, "{ __schema { queryType { name } } }")

    assert without_cost(response) == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


def test_introspection_off_also_hides_graphiql_and_suggestions(locked_gateway: Gateway) -> None:
    introspection = post(locked_gateway, '{ __type(name: "Product") { name } }')
    typo = post(locked_gateway, "{ product { id } }")
    page = httpx.get(locked_gateway.graphql_url, headers={"accept": "text/html"}, timeout=10)

    assert introspection.json().get("data") is None
    assert "introspection has been disabled" in error_messages(introspection)[0]
    assert "Did you mean" not in typo.text
    assert not page.headers.get("content-type", "").startswith("text/html")


# --- CORS and CSRF ------------------------------------------------------------


def preflight(gateway: Gateway, origin: str) -> httpx.Response:
    return httpx.options(
        gateway.graphql_url,
        headers={
            "origin": origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type, authorization",
        },
        timeout=10,
    )


@pytest.mark.parametrize("origin", [SHOP_ORIGIN, ADMIN_ORIGIN])
def test_cors_preflight_allows_a_listed_origin_with_credentials(
    gateway: Gateway, origin: str
) -> None:
    response = preflight(gateway, origin)

    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == origin
    assert response.headers["access-control-allow-credentials"] == "true"
    allowed = {h.strip() for h in response.headers["access-control-allow-headers"].split(",")}
    assert {"content-type", "authorization"} <= allowed
    assert "Origin" in response.headers["vary"]


def test_cors_refuses_an_origin_not_listed(gateway: Gateway) -> None:
    response = preflight(gateway, FOREIGN_ORIGIN)
    simple = post(gateway, "{ reviewCount }", {"origin": FOREIGN_ORIGIN})

    for answer in (response, simple):
        assert "access-control-allow-origin" not in answer.headers
        assert "access-control-allow-credentials" not in answer.headers


def test_cors_default_origins_are_the_local_front_end(locked_gateway: Gateway) -> None:
    assert (
        preflight(locked_gateway, "http://localhost:3000").headers["access-control-allow-origin"]
        == "http://localhost:3000"
    )
    assert "access-control-allow-origin" not in preflight(locked_gateway, SHOP_ORIGIN).headers


def test_csrf_refuses_requests_a_browser_sends_without_preflight(gateway: Gateway) -> None:
    form_post = httpx.post(
        gateway.graphql_url,
        content='{"query": "{ reviewCount }"}',
        headers={"content-type": "text/plain"},
        timeout=10,
    )
    plain_get = httpx.get(gateway.graphql_url, params={"query": "{ reviewCount }"}, timeout=10)

    assert form_post.status_code == 403
    assert plain_get.status_code == 403


def test_csrf_lets_json_posts_and_marked_gets_through(gateway: Gateway) -> None:
    marked_get = httpx.get(
        gateway.graphql_url,
        params={"query": "{ reviewCount }"},
        headers={"apollo-require-preflight": "true"},
        timeout=10,
    )

    assert without_cost(post(gateway, "{ reviewCount }")) == {"data": {"reviewCount": 3}}
    assert without_cost(marked_get) == {"data": {"reviewCount": 3}}


# --- probes and metrics ---------------------------------------------------------


@pytest.mark.parametrize("path", ["/healthcheck", "/readiness"])
def test_probes_answer_200(gateway: Gateway, path: str) -> None:
    assert httpx.get(f"{gateway.url}{path}", timeout=10).status_code == 200


def test_metrics_are_prometheus_text(gateway: Gateway) -> None:
    post(gateway, PRODUCTS_WITH_REVIEWS)

    response = httpx.get(f"{gateway.url}/metrics", timeout=10)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "# TYPE graphql_gateway_subgraph_execute_duration histogram" in response.text
    reviews_count = re.compile(
        r"^graphql_gateway_subgraph_execute_duration_count"
        r'\{[^}]*subgraphName="reviews"[^}]*\} [1-9]',
        re.MULTILINE,
    )
    assert reviews_count.search(response.text), response.text[:2000]


# --- the real supergraph ----------------------------------------------------------


@pytest.fixture(scope="module")
def real_gateway(
    router_packages: Path, unreachable_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Gateway]:
    """The gateway on a supergraph composed from MiniShop's own subgraphs (none running)."""
    schema_modules = {s.name: SUBGRAPHS_DIR / s.name / "graphql" / "schema.py" for s in SERVICES}
    missing = [name for name, path in schema_modules.items() if not path.exists()]
    if missing:
        pytest.skip(f"subgraph schema modules not written yet: {', '.join(missing)}")
    sdls = {spec.name: export_subgraph_sdl(spec.name) for spec in SERVICES}
    supergraph = tmp_path_factory.mktemp("real") / "supergraph.graphql"
    supergraph.write_text(compose(sdls, routing_urls=dict.fromkeys(sdls, unreachable_url)))
    with running_gateway(supergraph, supergraph.parent, {}) as gw:
        yield gw


def test_graphiql_default_query_is_valid_for_the_real_graph(real_gateway: Gateway) -> None:
    page = httpx.get(real_gateway.graphql_url, headers={"accept": "text/html"}, timeout=30).text
    match = re.search(r'"defaultQuery":("(?:[^"\\]|\\.)*")', page)
    assert match, "no defaultQuery in the GraphiQL page"
    default_query = json.loads(match.group(1))

    response = post(real_gateway, default_query)

    # It gets as far as calling the (absent) catalog: parsed and validated.
    codes = {e["extensions"]["code"] for e in response.json()["errors"]}
    assert codes == {"INTERNAL_SERVER_ERROR"}, response.text
