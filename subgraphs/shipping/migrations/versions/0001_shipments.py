"""Shipments and their tracking events.

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

STATUSES = "'PENDING', 'SHIPPED', 'IN_TRANSIT', 'DELIVERED', 'RETURNED', 'CANCELLED'"


def _timestamp(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "shipments",
        sa.Column("id", postgresql.UUID(), nullable=False),
        sa.Column("order_id", postgresql.UUID(), nullable=False),
        sa.Column("user_id", postgresql.UUID(), nullable=False),
        sa.Column("method", sa.String(32), nullable=False),
        sa.Column("address", postgresql.JSONB(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("carrier", sa.String(100)),
        sa.Column("tracking_number", sa.String(64)),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_shipments"),
        sa.UniqueConstraint("order_id", name="uq_shipments_order_id"),
        sa.UniqueConstraint("tracking_number", name="uq_shipments_tracking_number"),
        sa.CheckConstraint(f"status IN ({STATUSES})", name="known_status"),
        # Past PENDING a shipment is with a carrier, so it has both.
        sa.CheckConstraint(
            "status IN ('PENDING', 'CANCELLED') "
            "OR (carrier IS NOT NULL AND tracking_number IS NOT NULL)",
            name="shipped_with_tracking",
        ),
    )
    op.create_index("ix_shipments_user_id", "shipments", ["user_id"])
    op.create_table(
        "tracking_events",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("shipment_id", postgresql.UUID(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        _timestamp("occurred_at"),
        sa.PrimaryKeyConstraint("id", name="pk_tracking_events"),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.id"],
            name="fk_tracking_events_shipment_id_shipments",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(f"status IN ({STATUSES})", name="known_status"),
    )
    op.create_index("ix_tracking_events_shipment_id", "tracking_events", ["shipment_id"])


def downgrade() -> None:
    op.drop_table("tracking_events")
    op.drop_table("shipments")
