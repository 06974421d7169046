"""Orders, their items and status history, checkouts, and the order number sequence.

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

STATUSES = (
    "'PENDING_PAYMENT', 'PAID', 'PAYMENT_FAILED', 'SHIPPED', 'DELIVERED', 'CANCELLED', "
    "'RETURN_REQUESTED', 'REFUNDED'"
)


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def upgrade() -> None:
    op.execute("CREATE SEQUENCE order_number_seq START 1")
    # MS-000123: at least six digits, more once the sequence needs them.
    op.execute(
        """
        CREATE FUNCTION next_order_number() RETURNS text LANGUAGE sql VOLATILE AS $$
            SELECT 'MS-' || lpad(n::text, greatest(6, length(n::text)), '0')
            FROM (SELECT nextval('order_number_seq') AS n) AS next
        $$
        """
    )
    op.create_table(
        "orders",
        sa.Column("id", postgresql.UUID(), nullable=False),
        sa.Column(
            "number", sa.String(20), server_default=sa.text("next_order_number()"), nullable=False
        ),
        sa.Column("user_id", postgresql.UUID(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("subtotal", sa.Numeric(12, 2), nullable=False),
        sa.Column("shipping_cost", sa.Numeric(12, 2), nullable=False),
        sa.Column("total", sa.Numeric(12, 2), nullable=False),
        sa.Column("ship_full_name", sa.String(200), nullable=False),
        sa.Column("ship_line1", sa.String(200), nullable=False),
        sa.Column("ship_line2", sa.String(200)),
        sa.Column("ship_city", sa.String(100), nullable=False),
        sa.Column("ship_region", sa.String(100)),
        sa.Column("ship_postal_code", sa.String(20), nullable=False),
        sa.Column("ship_country", sa.String(2), nullable=False),
        sa.Column("ship_phone", sa.String(32)),
        sa.Column("shipping_method", sa.String(32), nullable=False),
        sa.Column("payment_id", postgresql.UUID()),
        sa.Column("failure_code", sa.String(64)),
        sa.Column("stock", sa.String(12), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_orders"),
        sa.UniqueConstraint("number", name="uq_orders_number"),
        sa.CheckConstraint("total = subtotal + shipping_cost", name="ck_orders_total_adds_up"),
        sa.CheckConstraint(
            "subtotal >= 0 AND shipping_cost >= 0", name="ck_orders_amounts_not_negative"
        ),
        sa.CheckConstraint(f"status IN ({STATUSES})", name="ck_orders_known_status"),
        sa.CheckConstraint(
            "stock IN ('HELD', 'COMMITTED', 'RELEASED', 'LOST')", name="ck_orders_known_stock"
        ),
    )
    op.create_index("ix_orders_user_id_created_at_id", "orders", ["user_id", "created_at", "id"])
    op.create_index("ix_orders_created_at_id", "orders", ["created_at", "id"])
    op.create_index("ix_orders_status_created_at_id", "orders", ["status", "created_at", "id"])
    op.create_index(
        "ix_orders_stock_held", "orders", ["updated_at"], postgresql_where=sa.text("stock = 'HELD'")
    )
    op.create_table(
        "order_items",
        sa.Column("order_id", postgresql.UUID(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product_id", postgresql.UUID(), nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("unit_price", sa.Numeric(12, 2), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("order_id", "position", name="pk_order_items"),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name="fk_order_items_order_id_orders", ondelete="CASCADE"
        ),
        sa.CheckConstraint("quantity > 0", name="ck_order_items_quantity_positive"),
        sa.CheckConstraint("unit_price >= 0", name="ck_order_items_unit_price_not_negative"),
    )
    op.create_table(
        "order_status_changes",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("order_id", postgresql.UUID(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column(
            "at",
            sa.DateTime(timezone=True),
            server_default=sa.func.clock_timestamp(),
            nullable=False,
        ),
        sa.Column("note", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_order_status_changes"),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name="fk_order_status_changes_order_id_orders",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_order_status_changes_order_id_id", "order_status_changes", ["order_id", "id"]
    )
    op.create_table(
        "checkouts",
        sa.Column("user_id", postgresql.UUID(), nullable=False),
        sa.Column("idempotency_key", sa.String(100), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("order_id", postgresql.UUID(), nullable=False),
        sa.Column("step", sa.String(16), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("user_id", "idempotency_key", name="pk_checkouts"),
        sa.UniqueConstraint("order_id", name="uq_checkouts_order_id"),
        sa.CheckConstraint(
            "step IN ('CLAIMED', 'ORDER_CREATED', 'AWAITING_PAYMENT', 'COMPLETED')",
            name="ck_checkouts_known_step",
        ),
    )
    op.create_index("ix_checkouts_step_created_at", "checkouts", ["step", "created_at"])


def downgrade() -> None:
    op.drop_table("checkouts")
    op.drop_table("order_status_changes")
    op.drop_table("order_items")
    op.drop_table("orders")
    op.execute("DROP FUNCTION next_order_number()")
    op.execute("DROP SEQUENCE order_number_seq")
