"""What the authorization matrix must cover, read from the composed supergraph.

Every Query and Mutation field, and every field of the types that hold a
person's data. Every object type is either one of those or declared public
here: a type added to the schema in neither list fails the matrix's own test,
so someone decides which it is.
"""

from __future__ import annotations

from pathlib import Path

from graphql import DocumentNode, ObjectTypeDefinitionNode, ObjectTypeExtensionNode, parse

from shared.devstack.config import REPO_ROOT

SUPERGRAPH = REPO_ROOT / "schema" / "supergraph.graphql"
ROOTS = ("Query", "Mutation")
# A person's data: theirs to see, an admin's, nobody else's.
PERSONAL_TYPES = frozenset(
    {
        "User",
        "Address",
        "ApiClient",
        "Cart",
        "CartItem",
        "Order",
        "OrderItem",
        "OrderAddress",
        "OrderStatusChange",
        "Payment",
        "Refund",
        "Shipment",
        "TrackingEvent",
        "Notification",
        "NotificationPreferences",
        "StockMovement",
    }
)
# Fields of public types that are not public: who made a product and its stock
# ledger (admins only), and the product lists a partner's scope governs.
RULED_FIELDS = frozenset({"Product.createdBy", "Product.stockMovements", "Category.products"})
# Shown to anyone who may see what holds them; no person's data of their own.
PUBLIC_TYPES = frozenset(
    {
        "Product",
        "Category",
        "Money",
        "PageInfo",
        "UserError",
        "ShippingMethod",
        # Mutation payloads and connections: each is as visible as its field.
        *(f"{name}Payload" for name in ("Address", "ApiClient", "Auth", "Cart", "Category")),
        *(f"{name}Payload" for name in ("Checkout", "ClientToken", "Logout", "Order")),
        *(f"{name}Payload" for name in ("Payment", "Product", "Shipment", "User")),
        "NotificationPreferencesPayload",
        *(f"{name}Connection" for name in ("ApiClient", "Notification", "Order", "Product")),
        *(f"{name}Connection" for name in ("StockMovement", "User")),
        *(f"{name}Edge" for name in ("ApiClient", "Notification", "Order", "Product")),
        *(f"{name}Edge" for name in ("StockMovement", "User")),
    }
)


def load(path: Path = SUPERGRAPH) -> DocumentNode:
    return parse(path.read_text())


def object_fields(document: DocumentNode) -> dict[str, list[str]]:
    """Object type name -> its field names (extensions merged), the federation's
    own `join__` and `link__` machinery left out."""
    fields: dict[str, list[str]] = {}
    for definition in document.definitions:
        if isinstance(definition, ObjectTypeDefinitionNode | ObjectTypeExtensionNode):
            name = definition.name.value
            found = fields.setdefault(name, [])
            found += [field.name.value for field in definition.fields or ()]
    return fields


def required(document: DocumentNode) -> set[str]:
    """The `Type.field` coordinates the matrix must have an entry for."""
    fields = object_fields(document)
    wanted = {f"{root}.{name}" for root in ROOTS for name in fields.get(root, ())}
    for type_name in PERSONAL_TYPES & fields.keys():
        wanted |= {f"{type_name}.{name}" for name in fields[type_name]}
    for coordinate in RULED_FIELDS:
        type_name, _, name = coordinate.partition(".")
        if name in fields.get(type_name, ()):
            wanted.add(coordinate)
    return wanted


def unclassified(document: DocumentNode) -> set[str]:
    """Object types that are neither personal nor public (nor a root)."""
    names = set(object_fields(document)) - set(ROOTS)
    return names - PERSONAL_TYPES - PUBLIC_TYPES
