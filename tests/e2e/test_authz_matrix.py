"""The authorization matrix (tests/authz) through the gateway of the full stack:
every probe as every caller, compared with the documented answer, and no
person's data in any answer to someone who may not see it; and each subgraph's
`_entities`, called directly as the gateway calls it, shows a person's data to
them (or an admin) only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.authz.matrix import CALLERS, SKIP, World
from tests.authz.mutation_probes import MUTATIONS
from tests.authz.probes import QUERIES
from tests.authz.runner import call
from tests.authz.world import Cast, build
from tests.e2e.conftest import Stack
from tests.support.accounts import client_address, login
from tests.support.graphql import GraphQLClient

STILL_THERE = """
query Kept($id: ID!) { order(id: $id) { status } me { addresses { id } } }
"""
# Callers who may see the owner's data.
ENTITLED = {"owner", "admin"}


@pytest.fixture(scope="module")
async def cast(stack: Stack) -> AsyncIterator[Cast]:
    async with httpx.AsyncClient(timeout=30) as http:
        gateway = GraphQLClient(
            http, path=stack.gateway_url, headers={"X-Forwarded-For": client_address()}
        )
        admin_token = await login(gateway, stack.admin_email, stack.admin_password)
        yield await build(gateway, admin_token)


async def test_every_caller_gets_the_documented_answer_from_every_probe(
    stack: Stack, cast: Cast
) -> None:
    found: dict[tuple[str, str], str] = {}
    expected: dict[tuple[str, str], str] = {}
    leaks: list[str] = []
    async with httpx.AsyncClient(timeout=30) as http:
        for probe in [*QUERIES, *MUTATIONS]:
            for caller in CALLERS:
                if probe.expected(caller) == SKIP:
                    continue
                answer, raw = await call(http, stack.gateway_url, cast, probe, caller)
                found[(probe.name, caller)] = answer
                expected[(probe.name, caller)] = probe.expected(caller)
                if caller not in ENTITLED and cast.owner_email in raw:
                    leaks.append(f"{probe.name} as {caller}: {raw}")
        owner = GraphQLClient(http, stack.gateway_url, cast.tokens["owner"])
        kept = (await owner.execute(STILL_THERE, {"id": cast.world.order_id})).ok()

    wrong = {key: (found[key], want) for key, want in expected.items() if found[key] != want}
    assert wrong == {}, "\n".join(f"{k}: got {g}, documented {w}" for k, (g, w) in wrong.items())
    assert leaks == []
    # Nobody else's call changed the owner's things.
    assert kept["order"]["status"] == "SHIPPED"
    assert [a["id"] for a in kept["me"]["addresses"]] == [cast.world.address_id]


ENTITIES = "query E($r: [_Any!]!) { _entities(representations: $r) { ... on %s { %s } } }"


@dataclass(frozen=True)
class EntityProbe:
    subgraph: str
    typename: str
    key: Callable[[World], str]
    selection: str
    entitled: str = "owner"  # the caller whose answer shows the probe reaches data


ENTITY_PROBES = [
    EntityProbe("accounts", "User", lambda w: w.owner_id, "email name addresses { id }"),
    EntityProbe("cart", "User", lambda w: w.owner_id, "cart { id totalQuantity }"),
    EntityProbe("cart", "Cart", lambda w: w.cart_id, "totalQuantity items { quantity }"),
    EntityProbe("cart", "CartItem", lambda w: w.cart_item_id, "quantity product { id }"),
    EntityProbe("orders", "User", lambda w: w.owner_id, "orders(first: 5) { nodes { number } }"),
    EntityProbe("orders", "Order", lambda w: w.order_id, "number status"),
    EntityProbe("payments", "Order", lambda w: w.order_id, "payments { id cardLast4 }"),
    EntityProbe("payments", "Payment", lambda w: w.payment_id, "amount { amount } cardLast4"),
    EntityProbe("shipping", "Order", lambda w: w.order_id, "shipment { trackingNumber }"),
    EntityProbe("shipping", "Shipment", lambda w: w.shipment_id, "trackingNumber status"),
    EntityProbe(
        "notifications",
        "User",
        lambda w: w.owner_id,
        "notifications(first: 5) { nodes { kind } } notificationPreferences { email }",
    ),
    EntityProbe(
        "catalog",
        "Product",
        lambda w: w.product_id,
        "createdBy { id } stockMovements(first: 1) { nodes { actor } }",
        entitled="admin",
    ),
]


def _shown(entity: Any) -> bool:
    """Whether an entity answer shows anything beyond the key it was asked for."""
    if isinstance(entity, list):
        return any(_shown(item) for item in entity)
    if not isinstance(entity, dict):
        return entity is not None
    return any(_shown(v) for k, v in entity.items() if k not in ("id", "__typename"))


@pytest.mark.parametrize("probe", ENTITY_PROBES, ids=lambda p: f"{p.subgraph}-{p.typename}")
async def test_subgraph_entities_show_a_persons_data_to_them_only(
    stack: Stack, cast: Cast, probe: EntityProbe
) -> None:
    # Called as the gateway calls a subgraph: the caller's own token passed on.
    url = f"{stack.service_urls[probe.subgraph]}/graphql"
    query = ENTITIES % (probe.typename, probe.selection)
    variables = {"r": [{"__typename": probe.typename, "id": probe.key(cast.world)}]}
    answers: dict[str, Any] = {}
    async with httpx.AsyncClient(timeout=30) as http:
        for caller in ("anonymous", "other", probe.entitled):
            client = GraphQLClient(http, url, cast.tokens[caller])
            answers[caller] = await client.execute(query, variables)

    entitled = answers[probe.entitled]
    assert _shown(entitled.ok()["_entities"][0]), entitled.body
    for caller in ("anonymous", "other"):
        answer = answers[caller]
        assert set(answer.error_codes) <= {"FORBIDDEN", "UNAUTHENTICATED"}, answer.body
        entities = (answer.data or {}).get("_entities") or [None]
        assert not _shown(entities[0]), (caller, answer.body)
