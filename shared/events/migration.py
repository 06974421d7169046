"""Alembic operations creating the event tables in a service's database."""

from __future__ import annotations

from alembic import op
from sqlalchemy import MetaData

from shared.events.outbox import outbox_table, processed_events_table


def create_event_tables() -> None:
    metadata = MetaData()
    for table in (outbox_table(metadata), processed_events_table(metadata)):
        table.create(op.get_bind())


def drop_event_tables() -> None:
    op.drop_table("processed_events")
    op.drop_table("outbox")
