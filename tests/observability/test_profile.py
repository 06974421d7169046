"""The observability profile: every service exports to the compose Jaeger when the
endpoint is set, Grafana reads the same Jaeger and Prometheus, and the dashboard
shows the operator metrics."""

from __future__ import annotations

import json

import yaml

from tests.deploy.compose_support import REPO_ROOT, SUBGRAPHS, services

DATASOURCES = REPO_ROOT / "deploy" / "grafana" / "provisioning" / "datasources"
DASHBOARD = REPO_ROOT / "deploy" / "grafana" / "dashboards" / "minishop-overview.json"


def test_every_subgraph_reads_the_otlp_endpoint_and_a_sampler_of_ten_percent() -> None:
    for name in SUBGRAPHS:
        env = services()[name]["environment"]
        assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "${OTEL_EXPORTER_OTLP_ENDPOINT:-}", name
        assert env["OTEL_TRACES_SAMPLER"] == "${OTEL_TRACES_SAMPLER:-parentbased_traceidratio}"
        assert env["OTEL_TRACES_SAMPLER_ARG"] == "${OTEL_TRACES_SAMPLER_ARG:-0.1}"


def test_jaeger_takes_otlp_from_the_services_and_grafana_reads_it() -> None:
    jaeger, grafana = services()["jaeger"], services()["grafana"]
    (source,) = yaml.safe_load((DATASOURCES / "jaeger.yaml").read_text())["datasources"]

    assert jaeger["profiles"] == grafana["profiles"] == ["observability"]
    # The services live on `backend`; Grafana only on `edge`.
    assert {"backend", "edge"} <= set(jaeger["networks"])
    assert "edge" in grafana["networks"]
    assert (source["type"], source["url"]) == ("jaeger", "http://jaeger:16686")


def test_the_dashboard_answers_the_operators_questions() -> None:
    expressions = " ".join(
        target["expr"]
        for panel in json.loads(DASHBOARD.read_text())["panels"]
        for target in panel["targets"]
    )

    for metric in (
        "minishop_graphql_operation_seconds_bucket",  # latency per operation
        "minishop_graphql_errors_total",  # error rate
        "minishop_db_statements_per_request_bucket",
        "minishop_db_pool_checked_out",
        "minishop_events_outbox_backlog",
        "minishop_events_consumer_lag_seconds",
        "minishop_checkouts_total",
    ):
        assert metric in expressions, metric
    assert "by (service, operation, le)" in expressions
