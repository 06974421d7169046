"""Payments and their refunds.

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
        "payments",
        sa.Column("id", postgresql.UUID(), nullable=False),
        sa.Column("order_id", postgresql.UUID(), nullable=False),
        sa.Column("user_id", postgresql.UUID(), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("processor_key", sa.String(64), nullable=False),
        sa.Column("processor_charge_id", sa.String(64)),
        sa.Column("card_brand", sa.String(32)),
        sa.Column("card_last4", sa.String(4)),
        sa.Column("failure_code", sa.String(64)),
        sa.Column("refunded_amount", sa.Numeric(12, 2), nullable=False, server_default="0"),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_payments"),
        sa.UniqueConstraint("order_id", name="uq_payments_order_id"),
        sa.UniqueConstraint("processor_key", name="uq_payments_processor_key"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint(
            "refunded_amount >= 0 AND refunded_amount <= amount", name="refunded_within_amount"
        ),
        sa.CheckConstraint(
            "status IN ('PENDING', 'SUCCEEDED', 'FAILED', 'PARTIALLY_REFUNDED', 'REFUNDED')",
            name="known_status",
        ),
    )
    op.create_index("ix_payments_user_id", "payments", ["user_id"])
    op.create_table(
        "refunds",
        sa.Column("id", postgresql.UUID(), nullable=False),
        sa.Column("payment_id", postgresql.UUID(), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("idempotency_key", sa.String(200)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("processor_refund_id", sa.String(64)),
        sa.Column("failure_code", sa.String(64)),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_refunds"),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name="fk_refunds_payment_id_payments",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "payment_id", "idempotency_key", name="uq_refunds_payment_id_idempotency_key"
        ),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("status IN ('PENDING', 'SUCCEEDED', 'FAILED')", name="known_status"),
    )
    op.create_index("ix_refunds_payment_id", "refunds", ["payment_id"])
    # The sweep looks for refunds left pending.
    op.create_index(
        "ix_refunds_pending",
        "refunds",
        ["created_at"],
        postgresql_where=sa.text("status = 'PENDING'"),
    )


def downgrade() -> None:
    op.drop_table("refunds")
    op.drop_table("payments")
