"""The observability profile: Prometheus scrapes every subgraph of the registry, Grafana's
dashboards are valid and query metrics the services define."""

from __future__ import annotations

import json
import re

import yaml

from tests.deploy.compose_support import REPO_ROOT, SUBGRAPHS, services


def test_prometheus_scrapes_every_subgraph_and_the_router() -> None:
    config = yaml.safe_load((REPO_ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    targets = {
        target
        for job in config["scrape_configs"]
        for group in job["static_configs"]
        for target in group["targets"]
    }
    router_config = yaml.safe_load((REPO_ROOT / "router" / "router.yaml").read_text())
    router_metrics = router_config["telemetry"]["exporters"]["metrics"]["prometheus"]

    assert targets == {f"{name}:8000" for name in SUBGRAPHS} | {"router:9090"}
    assert router_metrics["listen"].endswith(":9090")
    assert {job["metrics_path"] for job in config["scrape_configs"]} == {router_metrics["path"]}


def test_grafana_provisions_the_compose_prometheus() -> None:
    provisioning = REPO_ROOT / "deploy" / "grafana" / "provisioning" / "datasources"
    sources = yaml.safe_load((provisioning / "prometheus.yaml").read_text())["datasources"]

    assert [(s["type"], s["url"], s["isDefault"]) for s in sources] == [
        ("prometheus", "http://prometheus:9090", True)
    ]
    assert services()["grafana"]["profiles"] == services()["prometheus"]["profiles"]


def test_grafana_dashboards_are_mounted_and_query_metrics_the_services_define() -> None:
    provisioning = REPO_ROOT / "deploy" / "grafana" / "provisioning"
    (provider,) = yaml.safe_load((provisioning / "dashboards" / "minishop.yaml").read_text())[
        "providers"
    ]
    mounts = dict(str(v).split(":")[1::-1] for v in services()["grafana"]["volumes"])
    source = REPO_ROOT / mounts[provider["options"]["path"]]
    (datasource,) = yaml.safe_load((provisioning / "datasources" / "prometheus.yaml").read_text())[
        "datasources"
    ]
    defined = set(
        re.findall(
            r'(?:Histogram|Counter|Gauge)\(\s*"(minishop_\w+)"',
            "".join(path.read_text() for path in (REPO_ROOT / "shared").rglob("*.py")),
        )
    )

    dashboards = list(source.glob("*.json"))
    assert dashboards
    for path in dashboards:
        for panel in json.loads(path.read_text())["panels"]:
            for target in panel["targets"]:
                assert target["datasource"]["uid"] == datasource["uid"], path.name
                for metric in re.findall(r"minishop_\w+", target["expr"]):
                    base = re.sub(r"_(bucket|count|sum)$", "", metric)
                    # Counters are exposed with _total; prometheus_client names them so.
                    assert base in defined or base.removesuffix("_total") in defined, metric
