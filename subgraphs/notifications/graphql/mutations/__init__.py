"""The notifications mutations, one module per area."""

from subgraphs.notifications.graphql.mutations.preferences import PreferenceMutations

__all__ = ["PreferenceMutations"]
