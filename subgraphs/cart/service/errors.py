"""What the cart's rules refuse, and the one failure that is not the shopper's."""

from __future__ import annotations

from shared.errors import DomainError, invalid_input


class CatalogUnavailable(Exception):
    """The catalog did not answer in time; nothing was changed."""


class ProductNotOnSale(DomainError):
    """Unknown, malformed or archived: the product cannot go in a cart."""

    def __init__(self) -> None:
        super().__init__("NOT_FOUND", "No such product is on sale.", ["productId"])


class NotInCart(DomainError):
    """The line to change is not (or no longer) in the cart."""

    def __init__(self) -> None:
        super().__init__("NOT_FOUND", "This product is not in the cart.", ["productId"])


def quantity_out_of_range(low: int, high: int) -> DomainError:
    return invalid_input(f"The quantity must be {low} to {high}.", "quantity")


def quantity_limit(limit: int, current: int) -> DomainError:
    return invalid_input(
        f"At most {limit} of one product per cart (you have {current}).", "quantity"
    )


def line_limit(limit: int) -> DomainError:
    return invalid_input(f"A cart holds at most {limit} different products.", "productId")
