"""The schema pipeline: SDL export, composition with Apollo's library, checked-in files.

Most tests use two toy subgraphs (tests/gateway/toy_subgraphs.py) registered as
if they were MiniShop services, so the pipeline is tested on its own; the last
group checks the real, checked-in `schema/` against the real subgraphs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path

import pytest
import strawberry
from strawberry.printer import print_schema

from shared import schema_pipeline
from shared.schema_pipeline import (
    REPO_ROOT,
    CompositionError,
    PipelineError,
    check_schema_files,
    compose,
    ensure_router_node_modules,
    export_subgraph_sdl,
    main,
    router_node_modules_stale,
    write_schema_files,
)
from shared.services import SERVICES, ServiceSpec
from tests.gateway.toy_subgraphs import conflicting_schema, products_schema, reviews_schema

TOY_URLS = {
    "products": "http://products.test:8001/graphql",
    "reviews": "http://reviews.test:8002/graphql",
}
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")

RegisterSubgraph = Callable[[str, object], None]


@pytest.fixture(scope="module")
def router_packages() -> None:
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed")
    ensure_router_node_modules(REPO_ROOT)


@pytest.fixture
def register_subgraph(monkeypatch: pytest.MonkeyPatch) -> RegisterSubgraph:
    """Make `subgraphs.<name>.graphql.schema` importable with the given `schema`."""

    def register(name: str, schema: object) -> None:
        module = types.ModuleType(f"subgraphs.{name}.graphql.schema")
        module.schema = schema  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, module.__name__, module)

    return register


@pytest.fixture
def toy_services(
    register_subgraph: RegisterSubgraph, monkeypatch: pytest.MonkeyPatch
) -> tuple[ServiceSpec, ...]:
    """The pipeline sees two toy subgraphs as MiniShop's services."""
    register_subgraph("toyproducts", products_schema())
    register_subgraph("toyreviews", reviews_schema())
    services = (ServiceSpec("toyproducts", 4901), ServiceSpec("toyreviews", 4902))
    monkeypatch.setattr(schema_pipeline, "SERVICES", services)
    return services


def toy_sdls() -> dict[str, str]:
    return {
        "products": print_schema(products_schema()),
        "reviews": print_schema(reviews_schema()),
    }


# --- export ------------------------------------------------------------------------


def test_exported_sdl_is_what_the_subgraph_serves_as_service_sdl(
    register_subgraph: RegisterSubgraph,
) -> None:
    schema = products_schema()
    register_subgraph("toyproducts", schema)

    sdl = export_subgraph_sdl("toyproducts")

    served = schema.execute_sync("{ _service { sdl } }")
    assert served.errors is None
    assert served.data is not None
    assert sdl == served.data["_service"]["sdl"] + "\n"
    assert '@link(url: "https://specs.apollo.dev/federation/v2.11"' in sdl
    assert 'type Product @key(fields: "id")' in sdl


def test_export_refuses_a_schema_that_is_not_federated(
    register_subgraph: RegisterSubgraph,
) -> None:
    @strawberry.type
    class Query:
        ping: str = "pong"

    register_subgraph("plain", strawberry.Schema(query=Query))

    with pytest.raises(PipelineError, match=r"must be a strawberry\.federation\.Schema"):
        export_subgraph_sdl("plain")


# --- composition ---------------------------------------------------------------------


def test_toy_subgraphs_compose_into_one_supergraph(router_packages: None) -> None:
    supergraph = compose(toy_sdls(), routing_urls=TOY_URLS)

    assert 'PRODUCTS @join__graph(name: "products", url: "http://products.test:8001/graphql")' in (
        supergraph
    )
    assert 'REVIEWS @join__graph(name: "reviews", url: "http://reviews.test:8002/graphql")' in (
        supergraph
    )
    product = supergraph.split("\ntype Product\n", 1)[1].split("\n}\n", 1)[0]
    assert '@join__type(graph: PRODUCTS, key: "id")' in product
    assert '@join__type(graph: REVIEWS, key: "id")' in product
    assert "reviews: [String!]! @join__field(graph: REVIEWS)" in product
    assert "name: String! @join__field(graph: PRODUCTS)" in product


def test_routing_urls_default_to_the_service_ports(router_packages: None) -> None:
    first, second = SERVICES[0], SERVICES[1]
    products, reviews = toy_sdls().values()

    supergraph = compose({first.name: products, second.name: reviews})

    for spec in (first, second):
        assert f'url: "http://127.0.0.1:{spec.port}/graphql"' in supergraph


def test_conflicting_field_types_fail_with_apollo_error_codes(router_packages: None) -> None:
    sdls = {"products": toy_sdls()["products"], "conflict": print_schema(conflicting_schema())}

    with pytest.raises(CompositionError) as failure:
        compose(sdls, routing_urls={"products": TOY_URLS["products"], "conflict": "http://c/g"})

    mismatch = [e for e in failure.value.errors if e.startswith("FIELD_TYPE_MISMATCH:")]
    assert len(mismatch) == 1
    assert '"Product.name"' in mismatch[0]
    assert '"Int!" in subgraph "conflict"' in mismatch[0]
    assert str(failure.value).startswith("composition failed:\n  ")


def test_unparsable_sdl_is_reported_with_its_subgraph_name(router_packages: None) -> None:
    sdls = {"products": toy_sdls()["products"], "broken": "type Query {"}

    with pytest.raises(CompositionError) as failure:
        compose(sdls, routing_urls={"products": TOY_URLS["products"], "broken": "http://b/g"})

    [error] = failure.value.errors
    assert error.startswith("INVALID_GRAPHQL: [broken] Syntax Error")


def test_compose_script_prints_nothing_on_stdout_when_it_fails(router_packages: None) -> None:
    completed = subprocess.run(
        ["node", str(REPO_ROOT / "router" / "compose.mjs")],
        input=json.dumps([{"name": "x", "url": "http://x/g", "sdl": "type Query { a: Nope }"}]),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 1
    assert completed.stdout == ""
    assert "Nope" in completed.stderr


# --- schema files and the CLI ----------------------------------------------------------


def test_written_files_pass_the_check_until_one_drifts(
    toy_services: tuple[ServiceSpec, ...], router_packages: None, tmp_path: Path
) -> None:
    written = write_schema_files(tmp_path)

    names = sorted(path.name for path in written)
    assert names == ["supergraph.graphql", "toyproducts.graphql", "toyreviews.graphql"]
    assert check_schema_files(tmp_path) == []
    supergraph = (tmp_path / "schema" / "supergraph.graphql").read_text()
    assert 'url: "http://127.0.0.1:4901/graphql"' in supergraph

    products = tmp_path / "schema" / "toyproducts.graphql"
    products.write_text(products.read_text().replace("name: String!", "name: String"))
    (tmp_path / "schema" / "supergraph.graphql").unlink()

    assert check_schema_files(tmp_path) == ["toyproducts.graphql", "supergraph.graphql"]


def test_cli_check_fails_on_drift_and_a_rewrite_fixes_it(
    toy_services: tuple[ServiceSpec, ...],
    router_packages: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--check", "--root", str(tmp_path)]) == 1
    assert "out of date: schema/toyproducts.graphql" in capsys.readouterr().err

    assert main(["--root", str(tmp_path)]) == 0
    assert main(["--check", "--root", str(tmp_path)]) == 0
    assert "up to date" in capsys.readouterr().out


def test_cli_reports_composition_errors_and_exits_1(
    register_subgraph: RegisterSubgraph,
    monkeypatch: pytest.MonkeyPatch,
    router_packages: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    register_subgraph("toyproducts", products_schema())
    register_subgraph("toyconflict", conflicting_schema())
    services = (ServiceSpec("toyproducts", 4901), ServiceSpec("toyconflict", 4903))
    monkeypatch.setattr(schema_pipeline, "SERVICES", services)

    assert main(["--root", str(tmp_path)]) == 1

    assert "FIELD_TYPE_MISMATCH" in capsys.readouterr().err
    assert not (tmp_path / "schema" / "supergraph.graphql").exists()


# --- router/node_modules -------------------------------------------------------------


@pytest.fixture
def tiny_router(tmp_path: Path) -> Path:
    """A repo root whose router/ depends on one local package: `npm ci` works offline."""
    router = tmp_path / "router"
    (router / "dep").mkdir(parents=True)
    (router / "dep" / "package.json").write_text('{"name": "dep", "version": "1.0.0"}')
    (router / "package.json").write_text(
        json.dumps({"name": "tiny", "private": True, "dependencies": {"dep": "file:./dep"}})
    )
    lock = {
        "name": "tiny",
        "lockfileVersion": 3,
        "requires": True,
        "packages": {
            "": {"name": "tiny", "dependencies": {"dep": "file:./dep"}},
            "dep": {"version": "1.0.0"},
            "node_modules/dep": {"resolved": "dep", "link": True},
        },
    }
    (router / "package-lock.json").write_text(json.dumps(lock))
    return tmp_path


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_node_modules_are_installed_when_missing_and_again_when_the_lock_is_newer(
    tiny_router: Path,
) -> None:
    router = tiny_router / "router"
    assert router_node_modules_stale(tiny_router)

    assert ensure_router_node_modules(tiny_router) is True
    assert (router / "node_modules" / "dep" / "package.json").exists()
    assert ensure_router_node_modules(tiny_router) is False

    installed = (router / "node_modules" / ".package-lock.json").stat().st_mtime
    os.utime(router / "package-lock.json", (installed + 60, installed + 60))
    assert router_node_modules_stale(tiny_router)
    assert ensure_router_node_modules(tiny_router) is True
    assert not router_node_modules_stale(tiny_router)


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_failed_npm_ci_is_an_error_that_shows_npm_output(tiny_router: Path) -> None:
    package = tiny_router / "router" / "package.json"
    package.write_text(json.dumps({"name": "tiny", "dependencies": {"other": "1.0.0"}}))

    with pytest.raises(PipelineError, match=r"npm ci in .* failed") as failure:
        ensure_router_node_modules(tiny_router)

    assert "package-lock.json" in str(failure.value) or "lock file" in str(failure.value)


# --- the checked-in schema -------------------------------------------------------------


def _missing_schema_modules() -> list[str]:
    return [
        spec.name
        for spec in SERVICES
        if not (REPO_ROOT / "subgraphs" / spec.name / "graphql" / "schema.py").exists()
    ]


@needs_node
def test_checked_in_schema_files_match_the_code(router_packages: None) -> None:
    if missing := _missing_schema_modules():
        pytest.skip(f"subgraph schema modules not written yet: {', '.join(missing)}")

    stale = check_schema_files(REPO_ROOT)

    assert stale == [], f"schema/ is out of date ({', '.join(stale)}): run `minishop schema`"
