"""NetworkPolicies: default deny, then exactly the documented paths."""

from __future__ import annotations

import pytest

from tests.deploy.k8s_support import base_docs, of_kind
from tests.deploy.network_policy import check_policy_graph


def test_a_default_deny_policy_covers_every_pod() -> None:
    deny = [
        p
        for p in of_kind("NetworkPolicy")
        if p["spec"]["podSelector"] == {}
        and set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"}
        and not p["spec"].get("ingress")
        and not p["spec"].get("egress")
    ]
    assert deny, "no default-deny NetworkPolicy"


def test_network_policies_allow_exactly_the_documented_calls() -> None:
    check_policy_graph(base_docs())


def test_the_policy_check_would_notice_an_extra_path() -> None:
    docs = base_docs()
    loose = {
        "kind": "NetworkPolicy",
        "metadata": {"name": "loose"},
        "spec": {
            "podSelector": {},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [{}],
            "egress": [{}],
        },
    }
    with pytest.raises(AssertionError, match="→"):
        check_policy_graph([*docs, loose])
