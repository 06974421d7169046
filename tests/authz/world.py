"""The people and things the matrix asks about, made through the gateway: an
owner with an address, a paid and shipped order and a cart line; another
customer; a fresh admin; a partner with catalog:read and one with shipping:read."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from tests.authz.matrix import CATALOG_READ, SHIPPING_READ, World
from tests.support.accounts import login, register
from tests.support.graphql import GraphQLClient
from tests.support.shop import add_to_cart, checkout, eventually

CREATE_CATEGORY = """
mutation C($input: CategoryInput!) { createCategory(input: $input) {
  category { id slug } userErrors { code } } }
"""
CREATE_PRODUCT = """
mutation P($input: ProductCreateInput!) { createProduct(input: $input) {
  product { id } userErrors { code } } }
"""
ADD_ADDRESS = """
mutation A($input: AddressInput!) { addAddress(input: $input) {
  address { id } userErrors { code } } }
"""
SET_ROLES = """
mutation R($id: ID!) { setUserRoles(userId: $id, roles: [CUSTOMER, ADMIN]) {
  user { id } userErrors { code } } }
"""
ME = "query { me { email } }"
ORDER = """
query O($id: ID!) { order(id: $id) { payments { id } shipment { id } } }
"""
SHIP = """
mutation S($id: ID!, $number: String!) {
  shipOrder(orderId: $id, carrier: "UPS", trackingNumber: $number) {
    shipment { id } userErrors { code } } }
"""
CART = "query { cart { id items { id } } }"
CREATE_CLIENT = """
mutation K($input: ApiClientInput!) { createApiClient(input: $input) {
  apiClient { clientId } clientSecret userErrors { code } } }
"""
ISSUE = """
mutation T($id: String!, $secret: String!) {
  issueClientToken(clientId: $id, clientSecret: $secret) { accessToken userErrors { code } } }
"""
ADDRESS = {
    "fullName": "Olive Owner",
    "line1": "7 Private Lane",
    "city": "Springfield",
    "postalCode": "12345",
    "country": "US",
}


@dataclass(frozen=True)
class Cast:
    world: World
    owner_email: str
    tokens: dict[str, str | None]  # caller -> bearer token (anonymous: None)
    partners: dict[str, str]  # scope -> partner token


def _payload(result: Any, name: str) -> dict[str, Any]:
    payload: dict[str, Any] = result.ok()[name]
    assert payload.get("userErrors", []) == [], payload
    return payload


async def _partner(admin: GraphQLClient, gateway: GraphQLClient, scope: str) -> str:
    created = _payload(
        await admin.execute(
            CREATE_CLIENT, {"input": {"name": f"matrix {scope}", "scopes": [scope]}}
        ),
        "createApiClient",
    )
    variables = {"id": created["apiClient"]["clientId"], "secret": created["clientSecret"]}
    return str(_payload(await gateway.execute(ISSUE, variables), "issueClientToken")["accessToken"])


async def build(gateway: GraphQLClient, stack_admin_token: str) -> Cast:
    stack_admin = gateway.as_user(stack_admin_token)
    owner_id, owner_token = await register(gateway, "Owner")
    other_id, other_token = await register(gateway, "Other")
    # An admin of the matrix's own, with an empty cart of their own.
    admin_id, first_token = await register(gateway, "Matrixadmin")
    _payload(await stack_admin.execute(SET_ROLES, {"id": admin_id}), "setUserRoles")
    admin_email = (await gateway.as_user(first_token).execute(ME)).ok()["me"]["email"]
    admin = gateway.as_user(await login(gateway, admin_email, "a good password"))
    owner = gateway.as_user(owner_token)
    owner_email = (await owner.execute(ME)).ok()["me"]["email"]

    tag = uuid.uuid4().hex[:8]
    category = _payload(
        await admin.execute(CREATE_CATEGORY, {"input": {"name": f"Matrix {tag}"}}),
        "createCategory",
    )["category"]
    product_input = {
        "sku": f"MX-{tag}".upper(),
        "name": f"Matrix item {tag}",
        "price": "4.00",
        "initialStock": 10,
        "categoryId": category["id"],
    }
    product_id = _payload(
        await admin.execute(CREATE_PRODUCT, {"input": product_input}), "createProduct"
    )["product"]["id"]
    address_id = _payload(await owner.execute(ADD_ADDRESS, {"input": ADDRESS}), "addAddress")[
        "address"
    ]["id"]
    await add_to_cart(owner, product_id, 1)
    placed = await checkout(owner)
    assert placed["userErrors"] == [], placed
    order_id = placed["order"]["id"]
    seen = await eventually(
        lambda: owner.execute(ORDER, {"id": order_id}),
        lambda r: r.ok()["order"]["shipment"] is not None and r.ok()["order"]["payments"],
        what="the order's payment and shipment",
    )
    order = seen.ok()["order"]
    tracking = f"1Z{tag}".upper()
    _payload(await admin.execute(SHIP, {"id": order_id, "number": tracking}), "shipOrder")
    await add_to_cart(owner, product_id, 2)
    cart = (await owner.execute(CART)).ok()["cart"]
    world = World(
        owner_id=owner_id,
        other_id=other_id,
        product_id=product_id,
        category_slug=category["slug"],
        category_id=category["id"],
        address_id=address_id,
        order_id=order_id,
        payment_id=order["payments"][0]["id"],
        shipment_id=order["shipment"]["id"],
        tracking_number=tracking,
        cart_id=cart["id"],
        cart_item_id=cart["items"][0]["id"],
    )
    partners = {
        CATALOG_READ: await _partner(admin, gateway, CATALOG_READ),
        SHIPPING_READ: await _partner(admin, gateway, SHIPPING_READ),
    }
    tokens: dict[str, str | None] = {
        "anonymous": None,
        "owner": owner_token,
        "other": other_token,
        "admin": admin.token,
    }
    return Cast(world, owner_email, tokens, partners)
