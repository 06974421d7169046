"""Database URLs: SQLAlchemy's `postgresql+asyncpg://…` and the plain one asyncpg takes."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url


def asyncpg_url(url: str | URL) -> str:
    """The URL without SQLAlchemy's `+driver`, password included, for `asyncpg.connect`.

    >>> asyncpg_url("postgresql+asyncpg://u:p%40ss@db:5432/shop?sslmode=require")
    'postgresql://u:p%40ss@db:5432/shop?sslmode=require'
    """
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
