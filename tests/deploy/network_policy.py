"""A model of NetworkPolicy semantics, and the graph of paths the policies must allow."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.services import MAILBOX, PAYMENT_PROCESSOR
from tests.deploy.k8s_support import (
    EXPECTED_CALLS,
    POSTGRES_SUBGRAPHS,
    SUBGRAPHS,
    Doc,
    of_kind,
    workloads,
)


@dataclass(frozen=True)
class Pod:
    labels: dict[str, str]
    namespace: str = "minishop"
    namespace_labels: dict[str, str] = field(default_factory=dict)


def selects(selector: Doc, labels: dict[str, str]) -> bool:
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values")
        present = key in labels
        ok = {
            "In": present and labels.get(key) in (values or []),
            "NotIn": not present or labels.get(key) not in (values or []),
            "Exists": present,
            "DoesNotExist": not present,
        }[operator]
        if not ok:
            return False
    return True


def peer_matches(peer: Doc, pod: Pod) -> bool:
    if "ipBlock" in peer:
        return False  # cluster pods are never reached through an ipBlock here
    if "namespaceSelector" in peer:
        in_namespace = selects(peer["namespaceSelector"], pod.namespace_labels)
    else:
        in_namespace = pod.namespace == "minishop"
    return in_namespace and selects(peer.get("podSelector", {}), pod.labels)


def port_matches(ports: list[Doc] | None, port: int) -> bool:
    return not ports or any(
        p.get("port") == port and p.get("protocol", "TCP") == "TCP" for p in ports
    )


def side_allows(policies: list[Doc], direction: str, own: Pod, other: Pod, port: int) -> bool:
    """Whether `own`'s policies let traffic go to (Egress) / come from (Ingress) `other`."""
    key, peers_key = ("egress", "to") if direction == "Egress" else ("ingress", "from")
    if own.namespace != "minishop":
        return True  # outside our namespace: not ours to restrict
    relevant = [
        p
        for p in policies
        if direction in p["spec"].get("policyTypes", ["Ingress"])
        and selects(p["spec"]["podSelector"], own.labels)
    ]
    if not relevant:
        return True
    return any(
        port_matches(rule.get("ports"), port)
        and (peers_key not in rule or any(peer_matches(peer, other) for peer in rule[peers_key]))
        for policy in relevant
        for rule in policy["spec"].get(key, [])
    )


def connects(policies: list[Doc], source: Pod, target: Pod, port: int) -> bool:
    return side_allows(policies, "Egress", source, target, port) and side_allows(
        policies, "Ingress", target, source, port
    )


def pods(docs: list[Doc]) -> dict[str, Pod]:
    return {
        d["metadata"]["name"]: Pod(dict(d["spec"]["template"]["metadata"]["labels"]))
        for d in workloads(docs)
    }


def outside(namespace: str, **labels: str) -> Pod:
    return Pod(labels, namespace, {"kubernetes.io/metadata.name": namespace})


def check_policy_graph(docs: list[Doc]) -> None:
    policies = of_kind("NetworkPolicy", docs)
    by_name = pods(docs)
    router, ingress = by_name["router"], outside("ingress-nginx")
    dns = outside("kube-system", **{"k8s-app": "kube-dns"})

    for source in SUBGRAPHS:
        assert connects(policies, router, by_name[source], 8000), f"router ↛ {source}"
        assert not connects(policies, ingress, by_name[source], 8000), f"outside → {source}"
        assert not connects(policies, by_name[source], router, 4000), f"{source} → router"
        assert connects(policies, by_name[source], dns, 53), f"{source} has no DNS"
        for target in SUBGRAPHS:
            if source != target:
                allowed = connects(policies, by_name[source], by_name[target], 8000)
                assert allowed == ((source, target) in EXPECTED_CALLS), f"{source} → {target}"
    assert connects(policies, ingress, router, 4000)
    assert not connects(policies, outside("default"), router, 4000)

    # Dev's stand-ins: each reached only by the service it stands in for.
    assert MAILBOX.smtp_port is not None
    users = {
        PAYMENT_PROCESSOR.name: ("payments", PAYMENT_PROCESSOR.http_port),
        MAILBOX.name: ("notifications", MAILBOX.smtp_port),
    }
    present = [name for name in users if name in by_name]
    for stand_in in present:
        user, port = users[stand_in]
        for source in (*SUBGRAPHS, "router", *present):
            allowed = connects(policies, by_name[source], by_name[stand_in], port)
            assert allowed == (source == user), f"{source} → {stand_in}"
        for target in SUBGRAPHS:
            assert not connects(policies, by_name[stand_in], by_name[target], 8000), stand_in
    # Dev's data stores: Postgres for the services with a database, Redis for the subgraphs.
    for store, port, clients in (
        ("postgres", 5432, POSTGRES_SUBGRAPHS),
        ("redis", 6379, SUBGRAPHS),
    ):
        if store in by_name:
            for source in (*SUBGRAPHS, "router", *present):
                allowed = connects(policies, by_name[source], by_name[store], port)
                assert allowed == (source in clients), f"{source} → {store}"
