"""The payments service's rules and transactions."""

from subgraphs.payments.service.components import PaymentsServices

__all__ = ["PaymentsServices"]
