"""Shipments: opened when an order is paid, shipped and moved on by admins,
cancelled with their order. Every change appends a tracking event, and the
ones other services care about are announced through the outbox, in the same
transaction."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.events import record_event
from shared.events.contracts import OrderPaid
from shared.validation import lookup_text
from subgraphs.shipping import repository
from subgraphs.shipping.models import ShipmentRow, ShipmentStatus
from subgraphs.shipping.service import transitions
from subgraphs.shipping.service.errors import (
    not_found,
    tracking_number_taken,
    violated_constraint,
)
from subgraphs.shipping.service.transitions import Command
from subgraphs.shipping.service.validation import Checks, normalise_tracking_number

TRACKING_NUMBER_CONSTRAINT = "uq_shipments_tracking_number"


async def _move(
    session: AsyncSession,
    row: ShipmentRow,
    target: ShipmentStatus,
    command: Command,
    description: str | None = None,
) -> None:
    """Check and apply one transition, with its tracking event and outbox event."""
    transitions.check(ShipmentStatus(row.status), target, command)
    row.status = target
    await session.flush()
    await repository.add_tracking_event(
        session, row.id, target, description or transitions.DESCRIPTIONS[target]
    )
    event_type = transitions.EVENTS.get(target)
    if event_type is not None:
        await record_event(
            session,
            event_type(
                shipment_id=row.id,
                order_id=row.order_id,
                user_id=row.user_id,
                carrier=row.carrier,
                tracking_number=row.tracking_number,
            ),
        )


class ShipmentService:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._db = sessionmaker

    async def open_for_paid_order(self, session: AsyncSession, event: OrderPaid) -> bool:
        """A PENDING shipment for the order, in the caller's transaction; False when
        the order has one already (the event came again)."""
        shipment_id = await repository.insert_shipment_once(
            session,
            id=uuid.uuid4(),
            order_id=event.order_id,
            user_id=event.user_id,
            method=event.shipping_method,
            address=event.shipping_address.model_dump(mode="json"),
            status=ShipmentStatus.PENDING,
        )
        if shipment_id is None:
            return False
        await repository.add_tracking_event(
            session,
            shipment_id,
            ShipmentStatus.PENDING,
            transitions.DESCRIPTIONS[ShipmentStatus.PENDING],
        )
        return True

    async def cancel_for_order(self, session: AsyncSession, order_id: uuid.UUID) -> bool:
        """Cancel the order's shipment if it is still PENDING, in the caller's
        transaction; one that shipped (or none at all) stays as it is."""
        row = await repository.lock_shipment_of_order(session, order_id)
        if row is None or row.status != ShipmentStatus.PENDING:
            return False
        await _move(session, row, ShipmentStatus.CANCELLED, Command.CANCEL)
        return True

    async def ship(self, order_id: str, carrier: str, tracking_number: str) -> ShipmentRow:
        """Errors: INVALID_INPUT, NOT_FOUND (the order has no shipment), INVALID_STATE
        (not PENDING), TRACKING_NUMBER_TAKEN."""
        checks = Checks()
        parsed_order_id = checks.reference(order_id, "orderId")
        carrier = checks.carrier(carrier)
        tracking_number = checks.tracking_number(tracking_number)
        checks.done()
        assert parsed_order_id is not None
        try:
            async with self._db.begin() as session:
                row = await repository.lock_shipment_of_order(session, parsed_order_id)
                if row is None:
                    raise not_found("This order has no shipment.", "orderId")
                transitions.check(ShipmentStatus(row.status), ShipmentStatus.SHIPPED, Command.SHIP)
                if await repository.tracking_number_taken(session, tracking_number):
                    raise tracking_number_taken()
                row.carrier = carrier
                row.tracking_number = tracking_number
                await _move(session, row, ShipmentStatus.SHIPPED, Command.SHIP)
                return row
        except IntegrityError as error:
            # Another shipment took the number between the check and the update.
            if violated_constraint(error) == TRACKING_NUMBER_CONSTRAINT:
                raise tracking_number_taken() from error
            raise

    async def update_status(
        self, shipment_id: str, status: ShipmentStatus, description: str | None
    ) -> ShipmentRow:
        """Errors: INVALID_INPUT, NOT_FOUND, INVALID_STATE (a move the rules forbid)."""
        checks = Checks()
        parsed_id = checks.reference(shipment_id, "shipmentId")
        description = checks.description(description)
        checks.done()
        assert parsed_id is not None
        async with self._db.begin() as session:
            row = await repository.lock_shipment(session, parsed_id)
            if row is None:
                raise not_found("No shipment with this ID.", "shipmentId")
            await _move(session, row, status, Command.UPDATE, description)
            return row

    async def by_tracking_number(self, tracking_number: str) -> ShipmentRow | None:
        """None as well for a value no stored tracking number can be."""
        value = lookup_text(tracking_number)
        if value is None:
            return None
        async with self._db() as session:
            return await repository.shipment_by_tracking_number(
                session, normalise_tracking_number(value)
            )
