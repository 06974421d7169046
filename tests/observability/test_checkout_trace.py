"""One checkout through the gateway of a whole stack is one trace: the gateway,
orders, catalog, payments and their SQL, and the cart's consumer of OrderPlaced,
all exported over OTLP/HTTP to a receiver here; a log line of that request
carries the same trace id."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from shared.devstack.config import REPO_ROOT
from tests.devstack.launch import StackPorts, launch
from tests.e2e.conftest import E2E_ENV, MINISHOP, READY_LIMIT_SECONDS, Stack, describe, stop_stack
from tests.observability.otlp import (
    SPAN_KIND_CONSUMER,
    SPAN_KIND_SERVER,
    OtlpReceiver,
    ReceivedSpan,
    otlp_receiver,
)
from tests.support.accounts import client_address, login, register
from tests.support.graphql import GraphQLClient
from tests.support.shop import add_to_cart, checkout, create_product

pytestmark = pytest.mark.e2e

TRACED_SERVICES = {"gateway", "orders", "catalog", "payments"}


@pytest.fixture(scope="module")
def receiver() -> Iterator[OtlpReceiver]:
    with otlp_receiver() as running:
        yield running


@pytest.fixture(scope="module")
def traced_stack(
    receiver: OtlpReceiver, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    env = {
        **E2E_ENV,
        "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url,
        "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
        "OTEL_TRACES_SAMPLER_ARG": "1.0",
        # Export within a fifth of a second, not the SDKs' default five.
        "OTEL_BSP_SCHEDULE_DELAY": "200",
    }
    launched = launch(
        [str(MINISHOP), "up", "--throwaway-data"],
        tmp_path_factory.mktemp("traced") / "home",
        StackPorts.pick(),
        cwd=REPO_ROOT,
        extra_env=env,
    )
    try:
        # Seven subgraphs importing the SDK on a shared machine: more time than e2e.
        launched.wait_ready(READY_LIMIT_SECONDS * 3)
        yield describe(launched)
    finally:
        stop_stack(launched)


@pytest.fixture
async def gateway(traced_stack: Stack) -> AsyncIterator[GraphQLClient]:
    async with httpx.AsyncClient(timeout=30) as http:
        yield GraphQLClient(
            http, path=traced_stack.gateway_url, headers={"X-Forwarded-For": client_address()}
        )


def _complete(trace_id: str) -> Callable[[list[ReceivedSpan]], bool]:
    def found(spans: list[ReceivedSpan]) -> bool:
        ours = [span for span in spans if span.trace_id == trace_id]
        # A server span ends (and is exported) last, after the spans under it.
        servers = {span.service for span in ours if span.kind == SPAN_KIND_SERVER}
        return servers >= TRACED_SERVICES and any(_consumes_order_placed(s) for s in ours)

    return found


def _consumes_order_placed(span: ReceivedSpan) -> bool:
    return (
        span.service == "cart"
        and span.kind == SPAN_KIND_CONSUMER
        and span.name == "OrderPlaced process"
    )


def _log_lines(home: Path, service: str) -> list[dict[str, object]]:
    lines = []
    for raw in (home / "logs" / f"{service}.log").read_text(errors="replace").splitlines():
        try:
            lines.append(json.loads(raw))
        except ValueError:
            continue  # a line of the launcher's own, not the service's JSON
    return lines


async def test_one_checkout_is_one_trace_from_the_gateway_to_sql_and_the_carts_consumer(
    traced_stack: Stack, gateway: GraphQLClient, receiver: OtlpReceiver
) -> None:
    # given a shopper with a product in the cart
    admin = gateway.as_user(
        await login(gateway, traced_stack.admin_email, traced_stack.admin_password)
    )
    product = await create_product(admin, stock=5)
    _user_id, token = await register(gateway)
    buyer = gateway.as_user(token)
    await add_to_cart(buyer, product["id"], 1)

    # when the checkout goes through the gateway under a trace of the client's
    trace_id = secrets.token_hex(16)
    traced = GraphQLClient(
        buyer.http,
        path=buyer.path,
        token=buyer.token,
        headers={**buyer.headers, "traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"},
    )
    payload = await checkout(traced)
    assert payload["userErrors"] == [], payload

    # then one trace holds the gateway, orders, catalog and payments, with SQL,
    # and the cart's handling of OrderPlaced
    receiver.wait_for(_complete(trace_id), timeout=30)
    trace = receiver.trace(trace_id)
    assert {span.service for span in trace} >= TRACED_SERVICES | {"cart"}
    servers = {span.service for span in trace if span.kind == SPAN_KIND_SERVER}
    assert servers >= {"gateway", "orders", "catalog", "payments"}
    sql = {span.service for span in trace if span.attributes.get("db.system") == "postgresql"}
    assert {"orders", "catalog", "payments"} <= sql
    # and the subgraph's GraphQL work is one span named by the operation, not one per field
    operations = [
        span for span in trace if span.service == "orders" and span.name.startswith("mutation ")
    ]
    assert [span.name for span in operations] == ["mutation Checkout"]
    request_ids = {
        span.attributes["minishop.request_id"]
        for span in trace
        if span.kind == SPAN_KIND_SERVER and "minishop.request_id" in span.attributes
    }
    assert len(request_ids) == 1, request_ids
    # and a log line of that request, written by orders, carries the trace id
    logged = [
        line for line in _log_lines(traced_stack.home, "orders") if line.get("trace_id") == trace_id
    ]
    assert logged, "no orders log line carries the checkout's trace id"
    assert {line.get("request_id") for line in logged} == request_ids
    # and the checkout is counted by its outcome
    async with httpx.AsyncClient(base_url=traced_stack.service_urls["orders"]) as http:
        metrics = (await http.get("/metrics")).text
    assert 'minishop_checkouts_total{outcome="paid"} 1.0' in metrics
