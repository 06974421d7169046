"""Run a service's Alembic migrations programmatically.

Every database, the tests' included, is built by these migrations, never by
`create_all`, so what runs in production is what the tests exercise.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from shared.services import ServiceSpec

REPO_ROOT = Path(__file__).resolve().parents[2]


def alembic_config(spec: ServiceSpec, database_url: str) -> Config:
    config = Config()
    config.set_main_option(
        "script_location", str(REPO_ROOT / "subgraphs" / spec.name / "migrations")
    )
    # `%` is Alembic's interpolation character; a password may contain it.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["service"] = spec.name
    return config


def upgrade(spec: ServiceSpec, database_url: str, revision: str = "head") -> None:
    """Migrate the service's database to `revision`.

    Synchronous (Alembic drives its own event loop in `env.py`): call it from a
    thread when inside a running loop.
    """
    command.upgrade(alembic_config(spec, database_url), revision)
