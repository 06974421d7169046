"""All SQL of the payments service, one module per aggregate."""

from subgraphs.payments.repository.payments import (
    delete_payment,
    insert_pending_payment,
    lock_payment,
    lock_payment_of_order,
    payment_of_order,
    payments_by_ids,
    payments_of_orders,
)
from subgraphs.payments.repository.refunds import (
    insert_refund,
    lock_refund,
    pending_refunds_before,
    refund_by_key,
    refunds_of_payments,
    reserved_amount,
)

__all__ = [
    "delete_payment",
    "insert_pending_payment",
    "insert_refund",
    "lock_payment",
    "lock_payment_of_order",
    "lock_refund",
    "payment_of_order",
    "payments_by_ids",
    "payments_of_orders",
    "pending_refunds_before",
    "refund_by_key",
    "refunds_of_payments",
    "reserved_amount",
]
