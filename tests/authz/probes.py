"""The probes of the matrix (tests.authz.matrix): every root field, and every
field of a person's data, selected by at least one of them."""

from __future__ import annotations

from tests.authz.matrix import (
    ADMIN_ONLY,
    CATALOG_READ,
    DATA,
    FORBIDDEN,
    NULL,
    OWN,
    OWNED,
    PUBLIC,
    SHIPPING_READ,
    Probe,
    rule,
)

ADDRESS = "id fullName line1 line2 city region postalCode country phone isDefault"
NOTIFICATION = "id channel kind recipient subject body status createdAt sentAt"
PAYMENT = """
  id order { id } amount { amount currencyCode } status cardBrand cardLast4 failureCode
  refundedAmount { amount } createdAt refunds { id amount { amount } reason status createdAt }
"""
SHIPMENT = """
  id order { id } status carrier trackingNumber createdAt updatedAt
  events { status description occurredAt }
"""
ORDER = f"""
  id number user {{ id }} status subtotal {{ amount }} shippingCost {{ amount }} total {{ amount }}
  shippingAddress {{ fullName line1 line2 city region postalCode country phone }}
  shippingMethod createdAt updatedAt
  items {{ product {{ id }} name sku unitPrice {{ amount }} quantity lineTotal {{ amount }} }}
  statusHistory {{ status at note }}
  payments {{ {PAYMENT} }}
  shipment {{ {SHIPMENT} }}
"""
USER = f"""
  id email name roles createdAt addresses {{ {ADDRESS} }}
  notifications(first: 5) {{ totalCount nodes {{ {NOTIFICATION} }} }}
  notificationPreferences {{ email sms phone }}
  orders(first: 5) {{ totalCount nodes {{ id }} }}
"""
CART = """
  id totalQuantity updatedAt subtotal { amount }
  items { id quantity product { id } lineTotal { amount } }
"""
MOVEMENT = "kind deltaOnHand deltaReserved onHandAfter reservedAfter reason actor orderId createdAt"
API_CLIENT = "id clientId name scopes createdAt revokedAt"
ADDRESS_INPUT = {
    "fullName": "Matrix Person",
    "line1": "1 Probe Road",
    "city": "Springfield",
    "postalCode": "12345",
    "country": "US",
}
ERRORS = "userErrors { code }"
# `me` of a partner client: no person, as for the anonymous.
PARTNER_NO_PERSON = NULL

QUERIES: list[Probe] = [
    Probe(
        "me",
        "query Me { me { id email } }",
        ("me",),
        rule(anonymous=NULL, owner=DATA, other=DATA, partner=PARTNER_NO_PERSON, admin=DATA),
        operation="Me",
    ),
    Probe(
        "me, all of a person's fields",
        f"query Mine {{ me {{ {USER} cart {{ {CART} }} }} }}",
        ("me",),
        rule(anonymous=NULL, owner=DATA, other=DATA, partner=PARTNER_NO_PERSON, admin=DATA),
    ),
    Probe(
        "a user by id",
        f"query AdminUser($id: ID!) {{ user(id: $id) {{ {USER} }} }}",
        ("user",),
        ADMIN_ONLY,
        lambda w: {"id": w.owner_id},
        operation="AdminUser",
    ),
    Probe(
        "someone else's cart through user(id)",
        "query TheirCart($id: ID!) { user(id: $id) { id cart { id } } }",
        ("user", "cart"),
        {**ADMIN_ONLY, "admin": FORBIDDEN},
        lambda w: {"id": w.owner_id},
    ),
    Probe(
        "users",
        "query AdminUsers { users(first: 5) { totalCount nodes { id email } } }",
        ("users",),
        ADMIN_ONLY,
        operation="AdminUsers",
    ),
    Probe(
        "apiClients",
        f"query AdminApiClients {{ apiClients(first: 5) {{ nodes {{ {API_CLIENT} }} }} }}",
        ("apiClients",),
        ADMIN_ONLY,
        operation="AdminApiClients",
    ),
    Probe("cart", f"query Cart {{ cart {{ {CART} }} }}", ("cart",), OWN, operation="Cart"),
    Probe(
        "product",
        "query Product($id: ID) { product(id: $id) { id name price { amount } stock } }",
        ("product",),
        PUBLIC,
        lambda w: {"id": w.product_id},
        operation="Product",
    ),
    Probe(
        "a product's maker and stock ledger",
        f"""query AdminProduct($id: ID!) {{ product(id: $id) {{
          id createdBy {{ id }} stockMovements(first: 5) {{ nodes {{ {MOVEMENT} }} }} }} }}""",
        ("product", "stockMovements"),
        ADMIN_ONLY,
        lambda w: {"id": w.product_id},
        operation="AdminProduct",
    ),
    Probe(
        "products",
        "query Products { products(first: 5) { totalCount nodes { id name } } }",
        ("products",),
        {**PUBLIC, "partner_without": FORBIDDEN},
        operation="Products",
        scope=CATALOG_READ,
    ),
    Probe(
        "categories",
        "query Categories { categories { id name children { id } } }",
        ("categories",),
        PUBLIC,
        operation="Categories",
    ),
    Probe(
        "category and its products",
        """query Category($slug: String!) { category(slug: $slug) {
          id name parent { id } products(first: 5) { totalCount nodes { id } } } }""",
        ("category", "products"),
        {**PUBLIC, "partner_without": FORBIDDEN},
        lambda w: {"slug": w.category_slug},
        operation="Category",
        scope=CATALOG_READ,
    ),
    Probe(
        "notificationKinds",
        "query Kinds { notificationKinds }",
        ("notificationKinds",),
        PUBLIC,
    ),
    Probe(
        "an order by id",
        f"query Order($id: ID!) {{ order(id: $id) {{ {ORDER} }} }}",
        ("order",),
        OWNED,
        lambda w: {"id": w.order_id},
        operation="Order",
    ),
    Probe(
        "orders",
        "query AdminOrders { orders(first: 5) { totalCount nodes { id } } }",
        ("orders",),
        ADMIN_ONLY,
        operation="AdminOrders",
    ),
    Probe(
        "a payment by id",
        f"query Payment($id: ID!) {{ payment(id: $id) {{ {PAYMENT} }} }}",
        ("payment",),
        OWNED,
        lambda w: {"id": w.payment_id},
    ),
    Probe(
        "shippingMethods",
        "query ShippingMethods { shippingMethods { code name price { amount } estimatedDays } }",
        ("shippingMethods",),
        PUBLIC,
        operation="ShippingMethods",
    ),
    Probe(
        "a shipment by tracking number",
        "query Track($trackingNumber: String!) "
        f"{{ shipment(trackingNumber: $trackingNumber) {{ {SHIPMENT} }} }}",
        ("shipment",),
        # Shipping answers null to anyone else, anonymous and scope-less partners
        # included (its field's description): nothing tells a number exists.
        {**OWNED, "anonymous": NULL, "partner": DATA, "partner_without": NULL},
        lambda w: {"trackingNumber": w.tracking_number},
        operation="PartnerShipment",
        scope=SHIPPING_READ,
    ),
]
