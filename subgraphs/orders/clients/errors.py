"""What the peers' answers become on the orders side."""

from __future__ import annotations

import uuid
from collections.abc import Sequence


class PeerUnavailable(Exception):
    """The peer gave no usable answer in time (down, overloaded, unexpected reply)."""

    def __init__(self, peer: str, detail: str) -> None:
        super().__init__(f"{peer}: {detail}")
        self.peer = peer


class PeerRefused(Exception):
    """The peer answered with an error code checkout has no special meaning for."""

    def __init__(self, peer: str, code: str, message: str) -> None:
        super().__init__(f"{peer}: {code}: {message}")
        self.peer = peer
        self.code = code
        self.message = message


class ProductsUnavailable(Exception):
    """Unknown or archived products: they cannot be sold."""

    def __init__(self, product_ids: Sequence[uuid.UUID]) -> None:
        super().__init__(", ".join(str(p) for p in product_ids))
        self.product_ids = list(product_ids)


class OutOfStock(Exception):
    """Nothing was reserved: these products have fewer units than asked for."""

    def __init__(self, product_ids: Sequence[uuid.UUID]) -> None:
        super().__init__(", ".join(str(p) for p in product_ids))
        self.product_ids = list(product_ids)


class ReservationGone(Exception):
    """The order's hold was released or expired (or never made): it cannot be committed."""


class UnknownShippingMethod(Exception):
    pass


class AddressNotFound(Exception):
    """The user has no address with that id."""


class InvalidPaymentToken(Exception):
    """Payments knows no such token: nothing was charged."""


class PaymentUnreachable(Exception):
    """No charge request reached payments (every connection failed): nothing was charged."""


class PaymentOutcomeUnknown(Exception):
    """A charge request may have reached payments but no outcome came back."""


class PaymentNotFound(Exception):
    """Payments has no payment for the order."""
