"""The catalog's internal API: who may call it, product look-ups, its OpenAPI document,
and the expiry sweep running inside the app."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from shared.internal import HEADER, InternalCallError, InternalClient
from shared.services import service
from subgraphs.catalog.internal.models import ProductLookup, ProductLookupRequest, Reservation
from tests.subgraphs.catalog.support import ARCHIVE_PRODUCT, admin, create_product, sql
from tests.support.databases import DatabaseFactory
from tests.support.services import RunningService, running_service, service_headers


def client(catalog: RunningService, caller: str) -> InternalClient:
    return InternalClient(caller, http=catalog.http, base_urls={"catalog": "http://test"})


async def test_only_orders_may_hold_stock(catalog: RunningService) -> None:
    product = await create_product(catalog, initialStock=3)
    body = {"order_id": str(uuid.uuid4()), "lines": [{"product_id": product["id"], "quantity": 1}]}
    anonymous = await catalog.http.post("/internal/reservations", json=body)
    assert (anonymous.status_code, anonymous.json()["error"]["code"]) == (401, "UNAUTHENTICATED")
    user_token = await catalog.http.post(
        "/internal/reservations", json=body, headers={HEADER: "Bearer not-a-service-token"}
    )
    assert user_token.status_code == 401
    with pytest.raises(InternalCallError) as caught:
        await (
            client(catalog, "cart")
            .service("catalog")
            .post(
                f"/internal/reservations/{body['order_id']}/release",
                response_model=Reservation,
                idempotent=True,
            )
        )
    assert (caught.value.status, caught.value.code) == (403, "FORBIDDEN")
    assert (await sql(catalog, "SELECT count(*) FROM reservations"))[0][0] == 0


async def test_lookup_tells_what_exists_and_is_for_sale(catalog: RunningService) -> None:
    on_sale = await create_product(catalog, price="3.50", initialStock=4)
    archived = await create_product(catalog, price="9.00")
    await admin(catalog).execute(ARCHIVE_PRODUCT, {"id": archived["id"]})
    missing = uuid.uuid4()
    ids = [uuid.UUID(archived["id"]), missing, uuid.UUID(on_sale["id"])]
    cart = client(catalog, "cart").service("catalog")
    posted = await cart.post(
        "/internal/products/lookup",
        body=ProductLookupRequest(ids=ids),
        response_model=ProductLookup,
        idempotent=True,
    )
    fetched = await cart.get(
        "/internal/products/lookup",
        params={"ids": [str(i) for i in ids]},
        response_model=ProductLookup,
    )
    assert posted == fetched
    assert [(str(p.id), p.active, str(p.price), p.stock, p.currency) for p in posted.products] == [
        (archived["id"], False, "9.00", 0, "USD"),
        (on_sale["id"], True, "3.50", 4, "USD"),
    ]
    assert posted.missing == [missing]


async def test_lookup_refuses_oversized_batches(catalog: RunningService) -> None:
    ids = [str(uuid.uuid4()) for _ in range(501)]
    response = await catalog.http.post(
        "/internal/products/lookup", json={"ids": ids}, headers=service_headers("cart", "catalog")
    )
    assert (response.status_code, response.json()["error"]["code"]) == (422, "INVALID_REQUEST")


async def test_openapi_describes_the_internal_routes(catalog: RunningService) -> None:
    document = (await catalog.http.get("/openapi.json")).json()
    assert {
        "/internal/reservations",
        "/internal/reservations/{order_id}/commit",
        "/internal/reservations/{order_id}/release",
        "/internal/reservations/{order_id}",
        "/internal/products/lookup",
    } <= set(document["paths"])
    reserve = document["paths"]["/internal/reservations"]["post"]
    assert reserve["security"] == [{"ServiceToken": []}]
    assert {"200", "401", "403", "409", "422"} <= set(reserve["responses"])
    schemas = document["components"]["schemas"]
    assert {"ReserveRequest", "Reservation", "ShortLine", "ProductLookup", "ErrorResponse"} <= set(
        schemas
    )


@pytest.fixture
async def sweeping_catalog(
    databases: DatabaseFactory, redis_url: str
) -> AsyncIterator[RunningService]:
    spec = service("catalog")
    url = await databases.create(spec)
    # The sweep is background work: it runs where the events run, here in process.
    env = {"MINISHOP_EVENTS_IN_PROCESS": "true", "CATALOG_RESERVATION_SWEEP_SECONDS": "0.1"}
    try:
        async with running_service(spec, database_url=url, redis_url=redis_url, env=env) as running:
            yield running
    finally:
        await databases.drop(url)


async def test_the_app_sweeps_expired_holds_by_itself(sweeping_catalog: RunningService) -> None:
    catalog = sweeping_catalog
    product = await create_product(catalog, initialStock=2)
    order = uuid.uuid4()
    response = await catalog.http.post(
        "/internal/reservations",
        json={
            "order_id": str(order),
            "lines": [{"product_id": product["id"], "quantity": 2}],
            "ttl_seconds": 1,
        },
        headers=service_headers("orders", "catalog"),
    )
    assert response.json()["status"] == "RESERVED"
    status = "RESERVED"
    for _ in range(50):  # the hold lasts 1 s; the sweep runs every 0.1 s
        rows = await sql(catalog, "SELECT status FROM reservations WHERE order_id = $1", order)
        if (status := rows[0][0]) == "EXPIRED":
            break
        await asyncio.sleep(0.1)
    assert status == "EXPIRED"
    rows = await sql(
        catalog, "SELECT stock_reserved FROM products WHERE id = $1", uuid.UUID(product["id"])
    )
    assert rows[0][0] == 0
