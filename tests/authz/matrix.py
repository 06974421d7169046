"""The authorization matrix: who gets what from each field of the public graph.

Each probe is one document and the answer each caller gets from it
(docs: the contract's Auth rules). Callers: anonymous, the owner of the data,
another customer, a partner with the probe's scope and one without, an admin.
Outcomes: DATA (the field answered, a payload without userErrors), NULL (no
error, nothing shown), FORBIDDEN / UNAUTHENTICATED (that GraphQL error, no data),
REFUSED (the gateway runs no ad-hoc document for partners), or
`user_errors("CODE")` (the mutation ran and refused with that code).

A partner runs a probe through the manifest operation named in `operation`,
with the same variables; a probe without one is an ad-hoc document, which a
partner cannot send. `owner=SKIP` leaves a call out that would spend the
world's data (cancelling the owner's order, say).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DATA = "data"
NULL = "null"
FORBIDDEN = "FORBIDDEN"
UNAUTHENTICATED = "UNAUTHENTICATED"
REFUSED = "REFUSED"
SKIP = "skip"
CALLERS = ("anonymous", "owner", "other", "partner", "partner_without", "admin")
CATALOG_READ = "catalog:read"
SHIPPING_READ = "shipping:read"
NOWHERE = str(uuid.UUID(int=7))  # an id that names nothing


def user_errors(*codes: str) -> str:
    return "userErrors:" + ",".join(codes)


@dataclass(frozen=True)
class World:
    """What the probes refer to (ids of the owner's things, a public product…)."""

    owner_id: str
    other_id: str
    product_id: str
    category_slug: str
    category_id: str
    address_id: str
    order_id: str
    payment_id: str
    shipment_id: str
    tracking_number: str
    cart_id: str
    cart_item_id: str


Variables = Callable[[World], dict[str, Any]]


def _none(_: World) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Probe:
    name: str
    document: str
    path: tuple[str, ...]  # where the answer is, from `data`
    expect: dict[str, str]
    variables: Variables = _none
    operation: str | None = None  # the manifest operation partners run
    scope: str | None = None  # the partner scope the field needs, if any
    mutation: bool = field(default=False)

    def expected(self, caller: str) -> str:
        if caller.startswith("partner") and self.operation is None:
            return REFUSED
        return self.expect[caller]


def rule(
    *,
    anonymous: str,
    owner: str,
    other: str,
    partner: str,
    admin: str,
    partner_without: str | None = None,
) -> dict[str, str]:
    return {
        "anonymous": anonymous,
        "owner": owner,
        "other": other,
        "partner": partner,
        "partner_without": partner if partner_without is None else partner_without,
        "admin": admin,
    }


PUBLIC = rule(anonymous=DATA, owner=DATA, other=DATA, partner=DATA, admin=DATA)
# A partner client is not a signed-in person (shared/graphql/context.py,
# require_user): what needs a user or an admin answers it UNAUTHENTICATED.
PARTNER_NOT_A_USER = UNAUTHENTICATED
ADMIN_ONLY = rule(
    anonymous=UNAUTHENTICATED,
    owner=FORBIDDEN,
    other=FORBIDDEN,
    partner=PARTNER_NOT_A_USER,
    admin=DATA,
)
# Each signed-in person's own (cart, profile): nothing of someone else's is named.
OWN = rule(
    anonymous=UNAUTHENTICATED, owner=DATA, other=DATA, partner=PARTNER_NOT_A_USER, admin=DATA
)
# Someone's object by id: its existence does not leak to others.
OWNED = rule(
    anonymous=UNAUTHENTICATED, owner=DATA, other=NULL, partner=PARTNER_NOT_A_USER, admin=DATA
)


def admin_mutation(admin: str) -> dict[str, str]:
    return {**ADMIN_ONLY, "admin": admin}


def own_mutation(answer: str, *, owner: str | None = None) -> dict[str, str]:
    return {**OWN, "owner": owner or answer, "other": answer, "admin": answer}


def open_mutation(answer: str) -> dict[str, str]:
    return rule(anonymous=answer, owner=answer, other=answer, partner=answer, admin=answer)
