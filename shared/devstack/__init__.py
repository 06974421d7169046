"""The local stack behind `minishop up`: embedded Postgres and Redis, a supervisor, the runner."""

from shared.devstack.config import ConfigError, StackConfig
from shared.devstack.postgres import EmbeddedPostgres, database_url, ensure_database
from shared.devstack.redis import EmbeddedRedis
from shared.devstack.stack import Steps, run
from shared.devstack.supervisor import ChildExited, ChildSpec, NotReady, Supervisor

__all__ = [
    "ChildExited",
    "ChildSpec",
    "ConfigError",
    "EmbeddedPostgres",
    "EmbeddedRedis",
    "NotReady",
    "StackConfig",
    "Steps",
    "Supervisor",
    "database_url",
    "ensure_database",
    "run",
]
