"""The matrix's mutation probes. Inputs are chosen so that a caller who may run
the mutation gets a userError (an unknown id, a bad value) or a change of their
own only: running the matrix never spends the world's data, and where a call
names the owner's things, others must get NOT_FOUND and change nothing."""

from __future__ import annotations

import uuid
from typing import Any

from tests.authz.matrix import (
    DATA,
    NOWHERE,
    SKIP,
    Probe,
    Variables,
    admin_mutation,
    open_mutation,
    own_mutation,
    user_errors,
)
from tests.authz.probes import ADDRESS_INPUT, ERRORS

NOT_FOUND = user_errors("NOT_FOUND")
INVALID_INPUT = user_errors("INVALID_INPUT")
# Longer than any password may be: refused before any hashing.
TOO_LONG = "x" * 200


def _fixed(values: dict[str, Any]) -> Variables:
    return lambda _world: values


def mutation(
    operation: str,
    signature: str,
    call: str,
    expect: dict[str, str],
    variables: Variables | dict[str, Any] | None = None,
    *,
    registered: bool = True,
) -> Probe:
    """`operation` is also the manifest operation partners run (when `registered`)."""
    field = call.replace("{", "(").split("(")[0].strip()
    chosen = variables if callable(variables) else _fixed(variables or {})
    return Probe(
        operation,
        f"mutation {operation}{signature} {{ {call} }}",
        (field,),
        expect,
        chosen,
        operation=operation if registered else None,
        mutation=True,
    )


MUTATIONS: list[Probe] = [
    mutation(
        "Register",
        "($input: RegisterInput!)",
        f"register(input: $input) {{ accessToken {ERRORS} }}",
        open_mutation(INVALID_INPUT),
        # An address of its own each call: the per-e-mail sign-up limit stays out of it.
        lambda _w: {
            "input": {"email": f"not an e-mail {uuid.uuid4()}", "password": "x", "name": "X"}
        },
    ),
    mutation(
        "Login",
        "($input: LoginInput!)",
        f"login(input: $input) {{ accessToken {ERRORS} }}",
        open_mutation(user_errors("INVALID_CREDENTIALS")),
        {"input": {"email": "nobody@example.com", "password": TOO_LONG}},
    ),
    mutation(
        "RefreshToken",
        "($refreshToken: String!)",
        f"refreshToken(refreshToken: $refreshToken) {{ accessToken {ERRORS} }}",
        open_mutation(user_errors("INVALID_TOKEN")),
        {"refreshToken": "not-a-token"},
    ),
    mutation(
        "Logout",
        "($refreshToken: String!)",
        f"logout(refreshToken: $refreshToken) {{ success {ERRORS} }}",
        open_mutation(user_errors("INVALID_TOKEN")),
        {"refreshToken": "not-a-token"},
    ),
    mutation(
        "UpdateProfile",
        "($input: UpdateProfileInput!)",
        f"updateProfile(input: $input) {{ user {{ id }} {ERRORS} }}",
        own_mutation(DATA),
        {"input": {}},
    ),
    mutation(
        "ChangePassword",
        "($input: ChangePasswordInput!)",
        f"changePassword(input: $input) {{ user {{ id }} {ERRORS} }}",
        own_mutation(user_errors("INVALID_CREDENTIALS")),
        {"input": {"currentPassword": TOO_LONG, "newPassword": "a good new password"}},
    ),
    mutation(
        "AddAddress",
        "($input: AddressInput!)",
        f"addAddress(input: $input) {{ address {{ id }} {ERRORS} }}",
        own_mutation(INVALID_INPUT),
        {"input": {**ADDRESS_INPUT, "country": "not a country"}},
    ),
    mutation(
        "UpdateAddress",
        "($id: ID!, $input: AddressInput!)",
        f"updateAddress(id: $id, input: $input) {{ address {{ id }} {ERRORS} }}",
        own_mutation(NOT_FOUND, owner=DATA),
        lambda w: {"id": w.address_id, "input": ADDRESS_INPUT},
    ),
    mutation(
        "RemoveAddress",
        "($id: ID!)",
        f"removeAddress(id: $id) {{ address {{ id }} {ERRORS} }}",
        own_mutation(NOT_FOUND, owner=SKIP),
        lambda w: {"id": w.address_id},
    ),
    mutation(
        "SetUserRoles",
        "($userId: ID!, $roles: [Role!]!)",
        f"setUserRoles(userId: $userId, roles: $roles) {{ user {{ id }} {ERRORS} }}",
        admin_mutation(DATA),
        lambda w: {"userId": w.other_id, "roles": ["CUSTOMER"]},
    ),
    mutation(
        "CreateApiClient",
        "($input: ApiClientInput!)",
        f"createApiClient(input: $input) {{ clientSecret {ERRORS} }}",
        admin_mutation(INVALID_INPUT),
        {"input": {"name": "matrix", "scopes": ["everything:write"]}},
    ),
    mutation(
        "RevokeApiClient",
        "($id: ID!)",
        f"revokeApiClient(id: $id) {{ apiClient {{ id }} {ERRORS} }}",
        admin_mutation(NOT_FOUND),
        {"id": NOWHERE},
    ),
    mutation(
        "IssueClientToken",
        "($clientId: String!, $clientSecret: String!)",
        "issueClientToken(clientId: $clientId, clientSecret: $clientSecret) "
        f"{{ accessToken {ERRORS} }}",
        open_mutation(user_errors("INVALID_CREDENTIALS")),
        {"clientId": "nobody", "clientSecret": "nothing"},
    ),
    mutation(
        "AddToCart",
        "($productId: ID!)",
        f"addToCart(productId: $productId) {{ cart {{ id }} {ERRORS} }}",
        own_mutation(NOT_FOUND),
        {"productId": NOWHERE},
    ),
    mutation(
        "UpdateCartItem",
        "($productId: ID!, $quantity: Int!)",
        f"updateCartItem(productId: $productId, quantity: $quantity) {{ cart {{ id }} {ERRORS} }}",
        own_mutation(NOT_FOUND),
        {"productId": NOWHERE, "quantity": 2},
    ),
    mutation(
        "RemoveFromCart",
        "($productId: ID!)",
        f"removeFromCart(productId: $productId) {{ cart {{ id }} {ERRORS} }}",
        own_mutation(NOT_FOUND),
        {"productId": NOWHERE},
    ),
    mutation(
        "ClearCart",
        "",
        f"clearCart {{ cart {{ id }} {ERRORS} }}",
        own_mutation(DATA, owner=SKIP),
    ),
    mutation(
        "CreateProduct",
        "($input: ProductCreateInput!)",
        f"createProduct(input: $input) {{ product {{ id }} {ERRORS} }}",
        admin_mutation(INVALID_INPUT),
        {"input": {"sku": "", "name": "", "price": "-1"}},
    ),
    mutation(
        "UpdateProduct",
        "($id: ID!, $input: ProductUpdateInput!)",
        f"updateProduct(id: $id, input: $input) {{ product {{ id }} {ERRORS} }}",
        admin_mutation(NOT_FOUND),
        {"id": NOWHERE, "input": {"name": "renamed"}},
    ),
    mutation(
        "ArchiveProduct",
        "($id: ID!)",
        f"archiveProduct(id: $id) {{ product {{ id }} {ERRORS} }}",
        admin_mutation(NOT_FOUND),
        {"id": NOWHERE},
    ),
    mutation(
        "CreateCategory",
        "($input: CategoryInput!)",
        f"createCategory(input: $input) {{ category {{ id }} {ERRORS} }}",
        admin_mutation(INVALID_INPUT),
        {"input": {"name": ""}},
    ),
    mutation(
        "UpdateCategory",
        "($id: ID!, $input: CategoryUpdateInput!)",
        f"updateCategory(id: $id, input: $input) {{ category {{ id }} {ERRORS} }}",
        admin_mutation(NOT_FOUND),
        {"id": NOWHERE, "input": {"name": "renamed"}},
    ),
    mutation(
        "AdjustStock",
        "($productId: ID!, $delta: Int!, $reason: String!)",
        "adjustStock(productId: $productId, delta: $delta, reason: $reason) "
        f"{{ product {{ id }} {ERRORS} }}",
        admin_mutation(NOT_FOUND),
        {"productId": NOWHERE, "delta": 1, "reason": "matrix"},
    ),
    mutation(
        "UpdateNotificationPreferences",
        "($input: NotificationPreferencesInput!)",
        f"updateNotificationPreferences(input: $input) {{ preferences {{ email }} {ERRORS} }}",
        own_mutation(DATA),
        {"input": {}},
    ),
    mutation(
        "Checkout",
        "($input: CheckoutInput!)",
        f"checkout(input: $input) {{ order {{ id }} {ERRORS} }}",
        own_mutation(user_errors("CART_EMPTY"), owner=SKIP),
        {
            "input": {
                "shippingAddress": ADDRESS_INPUT,
                "shippingMethod": "STANDARD",
                "paymentToken": "tok_visa",
                "idempotencyKey": "matrix-checkout",
            }
        },
    ),
    mutation(
        "CancelOrder",
        "($id: ID!)",
        f"cancelOrder(id: $id) {{ order {{ id status }} {ERRORS} }}",
        own_mutation(NOT_FOUND, owner=SKIP),
        lambda w: {"id": w.order_id},
    ),
    mutation(
        "RequestReturn",
        "($orderId: ID!, $reason: String!)",
        f"requestReturn(orderId: $orderId, reason: $reason) {{ order {{ id status }} {ERRORS} }}",
        own_mutation(NOT_FOUND, owner=user_errors("INVALID_STATE")),
        lambda w: {"orderId": w.order_id, "reason": "matrix"},
    ),
    mutation(
        "RefundPayment",
        "($paymentId: ID!, $reason: String!)",
        f"refundPayment(paymentId: $paymentId, reason: $reason) {{ payment {{ id }} {ERRORS} }}",
        admin_mutation(NOT_FOUND),
        {"paymentId": NOWHERE, "reason": "matrix"},
    ),
    mutation(
        "ShipOrder",
        "($orderId: ID!, $carrier: String!, $trackingNumber: String!)",
        "shipOrder(orderId: $orderId, carrier: $carrier, trackingNumber: $trackingNumber) "
        f"{{ shipment {{ id }} {ERRORS} }}",
        admin_mutation(NOT_FOUND),
        {"orderId": NOWHERE, "carrier": "UPS", "trackingNumber": "1Z-MATRIX"},
    ),
    mutation(
        "UpdateShipmentStatus",
        "($shipmentId: ID!, $status: ShipmentStatus!)",
        "updateShipmentStatus(shipmentId: $shipmentId, status: $status) "
        f"{{ shipment {{ id }} {ERRORS} }}",
        admin_mutation(NOT_FOUND),
        {"shipmentId": NOWHERE, "status": "IN_TRANSIT"},
    ),
]
