"""Who sees a shipment: by tracking number, through an order, and by reference."""

from __future__ import annotations

import uuid

import pytest

from tests.subgraphs.shipping.support import (
    ADMIN,
    BUYER,
    BY_TRACKING_NUMBER,
    OTHER,
    OTHER_ID,
    PARTNER,
    PARTNER_WITHOUT_SCOPE,
    deliver,
    order_paid,
    paid_order,
    shipped_order,
)
from tests.support.services import RunningService

ORDER_SHIPMENTS = """
query Orders($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Order { id shipment { id status trackingNumber order { id } } }
  }
}
"""
ORDER_SHIPMENT_EVENTS = """
query Orders($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Order { id shipment { id events { status } } }
  }
}
"""
SHIPMENT_REFERENCES = """
query Shipments($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Shipment { id status order { id } }
  }
}
"""
TOKENS = {
    "owner": BUYER,
    "other user": OTHER,
    "admin": ADMIN,
    "partner with shipping:read": PARTNER,
    "partner without it": PARTNER_WITHOUT_SCOPE,
    "anonymous": None,
}


@pytest.mark.parametrize(
    ("caller", "sees"),
    [
        ("owner", True),
        ("other user", False),
        ("admin", True),
        ("partner with shipping:read", True),
        ("partner without it", False),
        ("anonymous", False),
    ],
)
async def test_a_shipment_by_tracking_number_is_shown_to_owner_admin_and_scoped_partner(
    shipping: RunningService, redis_url: str, caller: str, sees: bool
) -> None:
    order = await shipped_order(shipping, redis_url, "1Z-VISIBLE")

    result = await shipping.graphql.as_user(TOKENS[caller]).execute(
        BY_TRACKING_NUMBER, {"trackingNumber": "1z-visible"}
    )

    shipment = result.ok()["shipment"]
    if sees:
        assert shipment["id"] == order["shipment_id"]
        assert shipment["order"] == {"id": order["order_id"]}
        assert [e["status"] for e in shipment["events"]] == ["PENDING", "SHIPPED"]
    else:
        assert shipment is None


@pytest.mark.parametrize("tracking_number", ["NOPE-1", "", "1Z-VISIBLE\x00", "x" * 10_000])
async def test_an_unknown_or_impossible_tracking_number_finds_nothing(
    shipping: RunningService, redis_url: str, tracking_number: str
) -> None:
    await shipped_order(shipping, redis_url, "1Z-VISIBLE")

    result = await shipping.graphql.as_user(ADMIN).execute(
        BY_TRACKING_NUMBER, {"trackingNumber": tracking_number}
    )

    assert result.ok()["shipment"] is None


async def test_order_shipments_are_read_in_one_statement_for_a_hundred_orders(
    shipping: RunningService, redis_url: str
) -> None:
    envelopes = [order_paid() for _ in range(100)]
    await deliver(redis_url, *envelopes)
    representations = [
        {"__typename": "Order", "id": envelope.data["order_id"]} for envelope in envelopes
    ]

    with shipping.sql.counting() as statements:
        result = await shipping.graphql.as_user(ADMIN).execute(
            ORDER_SHIPMENTS, {"representations": representations}
        )

    entities = result.ok()["_entities"]
    assert len(statements) == 1
    assert [entity["id"] for entity in entities] == [r["id"] for r in representations]
    for entity in entities:
        shipment = entity["shipment"]
        assert shipment["status"] == "PENDING"
        assert shipment["order"] == {"id": entity["id"]}


async def test_the_tracking_events_of_a_hundred_shipments_take_one_more_statement(
    shipping: RunningService, redis_url: str
) -> None:
    envelopes = [order_paid() for _ in range(100)]
    await deliver(redis_url, *envelopes)
    representations = [{"__typename": "Order", "id": e.data["order_id"]} for e in envelopes]

    with shipping.sql.counting() as statements:
        result = await shipping.graphql.as_user(BUYER).execute(
            ORDER_SHIPMENT_EVENTS, {"representations": representations}
        )

    entities = result.ok()["_entities"]
    assert len(statements) == 2
    assert all(entity["shipment"]["events"] == [{"status": "PENDING"}] for entity in entities)


@pytest.mark.parametrize(
    ("caller", "sees"),
    [
        ("owner", True),
        ("admin", True),
        ("other user", False),
        ("partner with shipping:read", False),
        ("anonymous", False),
    ],
)
async def test_an_orders_shipment_is_shown_to_its_buyer_and_admins_only(
    shipping: RunningService, redis_url: str, caller: str, sees: bool
) -> None:
    order = await paid_order(shipping, redis_url)
    unknown = str(uuid.uuid4())
    representations = [
        {"__typename": "Order", "id": order["order_id"]},
        {"__typename": "Order", "id": unknown},
        {"__typename": "Order", "id": "not-an-id"},
    ]

    result = await shipping.graphql.as_user(TOKENS[caller]).execute(
        ORDER_SHIPMENTS, {"representations": representations}
    )

    entities = result.ok()["_entities"]
    assert [entity["id"] for entity in entities] == [order["order_id"], unknown, "not-an-id"]
    own = entities[0]["shipment"]
    assert (own["id"] if own else None) == (order["shipment_id"] if sees else None)
    assert entities[1]["shipment"] is None
    assert entities[2]["shipment"] is None


@pytest.mark.parametrize(
    ("caller", "sees"),
    [
        ("owner", True),
        ("admin", True),
        ("partner with shipping:read", True),
        ("other user", False),
        ("partner without it", False),
        ("anonymous", False),
    ],
)
async def test_a_shipment_reference_is_authorized_like_the_tracking_look_up(
    shipping: RunningService, redis_url: str, caller: str, sees: bool
) -> None:
    order = await paid_order(shipping, redis_url)
    representations = [
        {"__typename": "Shipment", "id": order["shipment_id"]},
        {"__typename": "Shipment", "id": str(uuid.uuid4())},
    ]

    result = await shipping.graphql.as_user(TOKENS[caller]).execute(
        SHIPMENT_REFERENCES, {"representations": representations}
    )

    entities = result.ok()["_entities"]
    expected = {"id": order["shipment_id"], "status": "PENDING", "order": {"id": order["order_id"]}}
    assert entities == [expected if sees else None, None]


async def test_another_users_shipments_stay_hidden_in_a_batch(
    shipping: RunningService, redis_url: str
) -> None:
    mine = await paid_order(shipping, redis_url)
    theirs = await paid_order(shipping, redis_url, user_id=OTHER_ID)
    representations = [
        {"__typename": "Order", "id": mine["order_id"]},
        {"__typename": "Order", "id": theirs["order_id"]},
    ]

    result = await shipping.graphql.as_user(BUYER).execute(
        ORDER_SHIPMENTS, {"representations": representations}
    )

    entities = result.ok()["_entities"]
    assert entities[0]["shipment"]["id"] == mine["shipment_id"]
    assert entities[1]["shipment"] is None
