"""Search vector: the name once more, unstemmed, so half-typed words match by prefix.

A stemmed vector holds "run" for "Running"; typing "runn" (a prefix of the word
but not of its stem) found nothing. The unstemmed copy has a low weight so that
whole-word matches still rank first.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

OLD_SQL = (
    "setweight(to_tsvector('english', coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(sku, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(description, '')), 'B')"
)
NEW_SQL = OLD_SQL + " || setweight(to_tsvector('simple', coalesce(name, '')), 'C')"


def _replace_vector(expression: str) -> None:
    # A generated column's expression cannot be altered portably: drop and re-add.
    op.drop_index("ix_products_search_vector", table_name="products")
    op.drop_column("products", "search_vector")
    op.add_column(
        "products",
        sa.Column(
            "search_vector",
            postgresql.TSVECTOR(),
            sa.Computed(expression, persisted=True),
            nullable=False,
        ),
    )
    op.create_index(
        "ix_products_search_vector", "products", ["search_vector"], postgresql_using="gin"
    )


def upgrade() -> None:
    _replace_vector(NEW_SQL)


def downgrade() -> None:
    _replace_vector(OLD_SQL)
