"""The notifications service's rules and transactions."""

from subgraphs.notifications.service.components import NotificationsServices
from subgraphs.notifications.service.preferences import (
    DEFAULT_PREFERENCES,
    PreferenceChanges,
    Preferences,
)

__all__ = ["DEFAULT_PREFERENCES", "NotificationsServices", "PreferenceChanges", "Preferences"]
