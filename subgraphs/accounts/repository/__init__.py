"""All SQL of the accounts service, one module per table."""

from subgraphs.accounts.repository.addresses import (
    address_of_user,
    addresses_of_users,
    clear_default,
    count_addresses,
    delete_address,
    insert_address,
    promote_oldest,
)
from subgraphs.accounts.repository.clients import (
    client_by_client_id,
    client_sort_key,
    count_clients,
    insert_client,
    list_clients,
    lock_client,
)
from subgraphs.accounts.repository.tokens import (
    insert_refresh_token,
    lock_refresh_token,
    revoke_family,
    revoke_user_tokens,
)
from subgraphs.accounts.repository.users import (
    count_users,
    email_in_use,
    insert_user,
    list_users,
    lock_admins,
    lock_user,
    user_by_email,
    user_sort_key,
    users_by_ids,
)

__all__ = [
    "address_of_user",
    "addresses_of_users",
    "clear_default",
    "client_by_client_id",
    "client_sort_key",
    "count_addresses",
    "count_clients",
    "count_users",
    "delete_address",
    "email_in_use",
    "insert_address",
    "insert_client",
    "insert_refresh_token",
    "insert_user",
    "list_clients",
    "list_users",
    "lock_admins",
    "lock_client",
    "lock_refresh_token",
    "lock_user",
    "promote_oldest",
    "revoke_family",
    "revoke_user_tokens",
    "user_by_email",
    "user_sort_key",
    "users_by_ids",
]
