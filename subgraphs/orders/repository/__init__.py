"""All SQL of the orders service, one module per aggregate."""

from subgraphs.orders.repository.checkouts import (
    checkout_of,
    claim,
    delete_checkout_of_order,
    lock_checkout_of_order,
    lock_stale_claim,
    set_step,
)
from subgraphs.orders.repository.orders import (
    ORDER_ORDER,
    add_status_change,
    count_orders,
    insert_order,
    items_of_orders,
    list_orders,
    lock_due_pending,
    lock_due_stock,
    lock_order,
    order_sort_key,
    orders_by_ids,
    status_changes_of_orders,
)

__all__ = [
    "ORDER_ORDER",
    "add_status_change",
    "checkout_of",
    "claim",
    "count_orders",
    "delete_checkout_of_order",
    "insert_order",
    "items_of_orders",
    "list_orders",
    "lock_checkout_of_order",
    "lock_due_pending",
    "lock_due_stock",
    "lock_order",
    "lock_stale_claim",
    "order_sort_key",
    "orders_by_ids",
    "set_step",
    "status_changes_of_orders",
]
