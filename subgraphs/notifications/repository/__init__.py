"""All SQL of the notifications service, one module per aggregate."""

from subgraphs.notifications.repository.notifications import (
    NEWEST_FIRST,
    claim_due,
    counts_of_users,
    insert_messages,
    pages_of_users,
    settle,
    sort_key,
)
from subgraphs.notifications.repository.orders import order_of, upsert_order
from subgraphs.notifications.repository.people import (
    contact_of,
    lock_preferences,
    preferences_of,
    preferences_of_users,
    upsert_contact,
)

__all__ = [
    "NEWEST_FIRST",
    "claim_due",
    "contact_of",
    "counts_of_users",
    "insert_messages",
    "lock_preferences",
    "order_of",
    "pages_of_users",
    "preferences_of",
    "preferences_of_users",
    "settle",
    "sort_key",
    "upsert_contact",
    "upsert_order",
]
