"""Async SQLAlchemy engines, sessions and migrations, one database per service."""

from shared.db.base import service_metadata, utcnow
from shared.db.engine import create_engine, create_sessionmaker

__all__ = ["create_engine", "create_sessionmaker", "service_metadata", "utcnow"]
