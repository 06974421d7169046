"""Two tiny federation subgraphs for the pipeline and gateway tests.

`products` owns `Product @key(id)`; `reviews` adds `reviews` to the same
entity, so a query for both needs an `_entities` call, like MiniShop's real
entities. Each can echo the headers it received, to show what the gateway
forwards.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

import strawberry
import uvicorn
from fastapi import FastAPI
from graphql import GraphQLError
from strawberry.fastapi import GraphQLRouter
from strawberry.types import Info

from shared import net
from shared.devstack.process import free_port
from shared.graphql.cost import at_most

FEDERATION_VERSION: Final = "2.11"
PRODUCT_NAMES = {"1": "Teapot", "2": "Kettle"}
ASSUMED_LIST_SIZE = 10
REVIEWS = {"1": ["Brews well."], "2": ["Loud.", "Fast."]}
INTERNAL_HOST = "db-primary.internal.minishop:5432"
NOT_FOUND_MESSAGE = "No product with that id."


# The gateways of these tests sign with it (tests/gateway/conftest.py sets it).
TOY_SECRET = "toy-deployment-secret-of-at-least-32-characters"
TOY_KEY = net.gateway_key(TOY_SECRET)


@strawberry.federation.type(shareable=True)
class SeenHeaders:
    """The headers a subgraph request carried (None when absent), and what a
    MiniShop subgraph would believe of them (shared/net.py)."""

    authorization: str | None
    request_id: str | None
    service_token: str | None
    forwarded_for: str | None
    # The address and manifest id the gateway signed, verified as subgraphs do.
    client_address: str | None
    operation: str | None
    # The name of the operation the subgraph was sent (None when anonymous).
    operation_name: str | None


async def _seen(info: Info) -> SeenHeaders:
    request = info.context["request"]
    headers = request.headers
    document = (await request.json()).get("query", "")
    return SeenHeaders(
        authorization=headers.get("authorization"),
        request_id=headers.get("x-request-id"),
        service_token=headers.get("x-minishop-service-token"),
        forwarded_for=headers.get("x-forwarded-for"),
        client_address=net.verified_client_address(headers.get(net.CLIENT_ADDRESS_HEADER), TOY_KEY),
        operation=net.verified_operation(headers.get(net.OPERATION_HEADER), document, TOY_KEY),
        operation_name=info.operation.name.value if info.operation.name else None,
    )


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID
    name: str

    @strawberry.field
    def related(self) -> list[Product]:
        """Self-referencing, so a query can be made arbitrarily deep (the cost
        estimate counts a list without @listSize once)."""
        return _others(self.id)

    @strawberry.field(directives=[at_most(ASSUMED_LIST_SIZE)])
    def similar(self) -> list[Product]:
        """`related` as the cost estimate sees a list of ten: `products` and
        three levels of it are 10 + 100 + 1,000 + 10,000 objects."""
        return _others(self.id)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Product:
        return _product(id)


def _others(key: str) -> list[Product]:
    return [_product(other) for other in PRODUCT_NAMES if other != key]


def _product(key: str) -> Product:
    return Product(id=strawberry.ID(key), name=PRODUCT_NAMES[key])


@strawberry.type
class ProductsQuery:
    @strawberry.field(directives=[at_most(ASSUMED_LIST_SIZE)])
    def products(self) -> list[Product]:
        return [_product(key) for key in PRODUCT_NAMES]

    @strawberry.field
    async def products_headers(self, info: Info) -> SeenHeaders:
        return await _seen(info)

    @strawberry.field
    def crash(self) -> str | None:
        """An unexpected error whose message names an internal host."""
        raise RuntimeError(f"{INTERNAL_HOST} refused the connection")

    @strawberry.field
    def missing(self) -> str | None:
        """A deliberate error with a public code, as MiniShop's subgraphs raise them."""
        raise GraphQLError(NOT_FOUND_MESSAGE, extensions={"code": "NOT_FOUND"})


TOUCHES: list[int] = []


@strawberry.type
class ProductsMutation:
    @strawberry.mutation
    def touch(self) -> int:
        """A mutation with an effect a test can see (how many times it ran)."""
        TOUCHES.append(1)
        return len(TOUCHES)


@strawberry.federation.type(keys=["id"], name="Product")
class ReviewedProduct:
    id: strawberry.ID

    @strawberry.field
    def reviews(self) -> list[str]:
        return REVIEWS.get(self.id, [])

    @strawberry.field
    async def reviews_headers(self, info: Info) -> SeenHeaders:
        """Resolved through `_entities`, so it shows what the entity fetch carried."""
        return await _seen(info)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> ReviewedProduct:
        return ReviewedProduct(id=id)


@strawberry.type
class ReviewsQuery:
    @strawberry.field
    def review_count(self) -> int:
        return sum(len(texts) for texts in REVIEWS.values())


@strawberry.federation.type(keys=["id"], name="Product")
class ConflictingProduct:
    """Claims `Product.name` as an Int: composition must refuse it."""

    id: strawberry.ID
    name: int


@strawberry.type
class ConflictQuery:
    @strawberry.field
    def anything(self) -> int:
        return 0


def products_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
        query=ProductsQuery,
        mutation=ProductsMutation,
        types=[Product],
        federation_version=FEDERATION_VERSION,
    )


def reviews_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
        query=ReviewsQuery, types=[ReviewedProduct], federation_version=FEDERATION_VERSION
    )


def conflicting_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
        query=ConflictQuery, types=[ConflictingProduct], federation_version=FEDERATION_VERSION
    )


def graphql_app(schema: strawberry.federation.Schema) -> FastAPI:
    app = FastAPI()
    # Like the real subgraphs: POST only, no GraphiQL.
    app.include_router(GraphQLRouter(schema, graphql_ide=None), prefix="/graphql")
    return app


@dataclass(frozen=True)
class RunningSubgraph:
    name: str
    url: str


@contextmanager
def serve(name: str, schema: strawberry.federation.Schema) -> Iterator[RunningSubgraph]:
    """Serve `schema` on a free 127.0.0.1 port from a background thread."""
    port = free_port()
    config = uvicorn.Config(
        graphql_app(schema), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"subgraph-{name}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"toy subgraph {name} did not start on port {port}")
        time.sleep(0.01)
    try:
        yield RunningSubgraph(name=name, url=f"http://127.0.0.1:{port}/graphql")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
