"""Contacts, preferences, known orders and the messages.

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


def _timestamp(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column("user_id", postgresql.UUID(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("user_id", name="pk_contacts"),
    )
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", postgresql.UUID(), nullable=False),
        sa.Column("email_enabled", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("sms_enabled", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("phone", sa.String(16)),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("user_id", name="pk_notification_preferences"),
        sa.CheckConstraint("NOT sms_enabled OR phone IS NOT NULL", name="sms_needs_phone"),
    )
    op.create_table(
        "known_orders",
        sa.Column("order_id", postgresql.UUID(), nullable=False),
        sa.Column("user_id", postgresql.UUID(), nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("total", sa.Numeric(12, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("order_id", name="pk_known_orders"),
    )
    op.create_table(
        "notifications",
        sa.Column("id", postgresql.UUID(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("user_id", postgresql.UUID(), nullable=False),
        sa.Column("event_id", postgresql.UUID(), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300)),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.String(500)),
        _timestamp("created_at"),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_notifications"),
        sa.UniqueConstraint("seq", name="uq_notifications_seq"),
        # The consumer may meet an event twice; the message exists once.
        sa.UniqueConstraint("event_id", "channel", name="uq_notifications_event_id_channel"),
        sa.CheckConstraint("channel IN ('EMAIL', 'SMS')", name="known_channel"),
        sa.CheckConstraint(
            "status IN ('QUEUED', 'SENT', 'FAILED', 'SKIPPED')", name="known_status"
        ),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )
    # A user's messages, newest first.
    op.create_index("ix_notifications_user_id_seq", "notifications", ["user_id", "seq"])
    # The dispatcher's queue: only what is still to be sent.
    op.create_index(
        "ix_notifications_due",
        "notifications",
        ["next_attempt_at"],
        postgresql_where=sa.text("status = 'QUEUED'"),
    )


def downgrade() -> None:
    op.drop_table("notifications")
    op.drop_table("known_orders")
    op.drop_table("notification_preferences")
    op.drop_table("contacts")
