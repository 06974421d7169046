"""Accounts business rules. Services own transactions and raise `DomainError`
for what the caller can fix; the GraphQL layer turns those into `userErrors`."""

from subgraphs.accounts.service.components import AccountsServices
from subgraphs.accounts.service.profile import ProfileChanges
from subgraphs.accounts.service.sessions import SignedIn
from subgraphs.accounts.service.validation import AddressData, checked_address, normalise_email

__all__ = [
    "AccountsServices",
    "AddressData",
    "ProfileChanges",
    "SignedIn",
    "checked_address",
    "normalise_email",
]
