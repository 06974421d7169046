"""The accounts mutations, one module per group."""

from subgraphs.accounts.graphql.mutations.addresses import AddressMutations
from subgraphs.accounts.graphql.mutations.admin import AdminMutations
from subgraphs.accounts.graphql.mutations.clients import ClientMutations
from subgraphs.accounts.graphql.mutations.profile import ProfileMutations
from subgraphs.accounts.graphql.mutations.sessions import SessionMutations

__all__ = [
    "AddressMutations",
    "AdminMutations",
    "ClientMutations",
    "ProfileMutations",
    "SessionMutations",
]
