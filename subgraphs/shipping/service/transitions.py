"""Which status a shipment may move to, by which command: the one place for the rules.

PENDING ships only through `shipOrder` (it needs a carrier and a tracking
number) and is cancelled only with its order; after that an admin moves it on
with `updateShipmentStatus`: SHIPPED → IN_TRANSIT → DELIVERED (or SHIPPED →
DELIVERED directly), and a delivered parcel may come back (RETURNED).
"""

from __future__ import annotations

from enum import StrEnum

from shared.events.contracts import ShipmentDelivered, ShipmentReturned, ShipmentShipped
from subgraphs.shipping.models import ShipmentStatus
from subgraphs.shipping.service.errors import invalid_state


class Command(StrEnum):
    SHIP = "shipOrder"
    UPDATE = "updateShipmentStatus"
    CANCEL = "the order's cancellation"


S = ShipmentStatus
TRANSITIONS: dict[tuple[ShipmentStatus, ShipmentStatus], Command] = {
    (S.PENDING, S.SHIPPED): Command.SHIP,
    (S.PENDING, S.CANCELLED): Command.CANCEL,
    (S.SHIPPED, S.IN_TRANSIT): Command.UPDATE,
    (S.SHIPPED, S.DELIVERED): Command.UPDATE,
    (S.IN_TRANSIT, S.DELIVERED): Command.UPDATE,
    (S.DELIVERED, S.RETURNED): Command.UPDATE,
}

# The tracking event's text when the admin gives none.
DESCRIPTIONS: dict[ShipmentStatus, str] = {
    S.PENDING: "Order paid; the shipment is being prepared.",
    S.SHIPPED: "Handed to the carrier.",
    S.IN_TRANSIT: "On its way.",
    S.DELIVERED: "Delivered.",
    S.RETURNED: "Returned to the sender.",
    S.CANCELLED: "The order was cancelled; nothing will ship.",
}

# What other services hear of; the other changes stay within shipping.
ShipmentEvent = type[ShipmentShipped] | type[ShipmentDelivered] | type[ShipmentReturned]
EVENTS: dict[ShipmentStatus, ShipmentEvent] = {
    S.SHIPPED: ShipmentShipped,
    S.DELIVERED: ShipmentDelivered,
    S.RETURNED: ShipmentReturned,
}


def check(current: ShipmentStatus, target: ShipmentStatus, command: Command) -> None:
    """Errors: INVALID_STATE when `command` may not move `current` to `target`."""
    allowed_by = TRANSITIONS.get((current, target))
    if allowed_by is command:
        return
    if allowed_by is not None:
        raise invalid_state(
            f"A {current} shipment becomes {target} only through {allowed_by.value}."
        )
    raise invalid_state(f"A {current} shipment cannot become {target}.")
