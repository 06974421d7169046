"""The matrix itself: every root field and person-data field of the supergraph
has a probe, and a field or type added without one is caught."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import parse

from tests.authz.coverage import uncovered
from tests.authz.mutation_probes import MUTATIONS
from tests.authz.probes import QUERIES
from tests.authz.schema_fields import SUPERGRAPH, load, unclassified

PROBES = [*QUERIES, *MUTATIONS]


def test_every_operation_and_person_data_field_of_the_supergraph_has_a_probe() -> None:
    assert uncovered(load(), PROBES) == set()


def test_every_object_type_is_either_personal_or_declared_public() -> None:
    assert unclassified(load()) == set()


def _with(extra: str) -> str:
    return SUPERGRAPH.read_text() + "\n" + extra


@pytest.mark.parametrize(
    ("added", "missing"),
    [
        ("extend type Query { secrets: [String!]! }", {"Query.secrets"}),
        ("extend type Mutation { deleteEverything: Boolean! }", {"Mutation.deleteEverything"}),
        ("extend type User { passwordHint: String }", {"User.passwordHint"}),
        ("extend type Order { internalNote: String }", {"Order.internalNote"}),
    ],
)
def test_a_field_added_without_a_probe_fails_the_matrix(
    tmp_path: Path, added: str, missing: set[str]
) -> None:
    assert uncovered(parse(_with(added)), PROBES) == missing


def test_a_type_added_without_a_decision_fails_the_matrix() -> None:
    document = parse(_with("type LoyaltyCard { number: String! }"))
    assert unclassified(document) == {"LoyaltyCard"}


def test_every_probe_names_its_answer_for_every_caller() -> None:
    from tests.authz.matrix import CALLERS

    for probe in PROBES:
        assert set(probe.expect) == set(CALLERS), probe.name
