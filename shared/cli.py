"""The `minishop` command: `up` runs the local stack, `worker` a service's event work,
`schema` the schema pipeline, `operations` the clients' persisted-query manifest."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from collections.abc import Sequence

from shared.services import SERVICES, service


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="minishop", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    up = commands.add_parser(
        "up",
        help="run Postgres, Redis, every subgraph and the gateway until Ctrl-C",
        description=(
            "Start the whole stack locally: embedded Postgres and Redis (unless "
            "DATABASE_URL / REDIS_URL name existing servers), migrations, demo data, "
            "the subgraphs and the gateway. Data is kept in MINISHOP_HOME "
            "(default: .minishop in the repository)."
        ),
    )
    up.add_argument(
        "--throwaway-data",
        action="store_true",
        default=None,
        help="for tests: Postgres without fsync and Redis without persistence "
        "(a crash may lose the data; also MINISHOP_THROWAWAY_DATA=1)",
    )
    migrate = commands.add_parser(
        "migrate",
        help="migrate one service's database (a deployment's prestart step)",
        description="Run the service's Alembic migrations against <NAME>_DATABASE_URL.",
    )
    migrate.add_argument("service", choices=[s.name for s in SERVICES if s.uses_postgres])
    migrate.add_argument(
        "--seed", action="store_true", help="also load the demo data (development only)"
    )
    commands.add_parser(
        "worker",
        help="run a service's outbox relay and event consumers (no API)",
        description="See `minishop worker --help` once the service is named.",
        add_help=False,
    )
    schema = commands.add_parser(
        "schema",
        help="export each subgraph's SDL and compose the supergraph",
        description="Export the subgraph schemas and compose schema/supergraph.graphql.",
    )
    schema.add_argument(
        "--check", action="store_true", help="fail if the checked-in files are out of date"
    )
    operations = commands.add_parser(
        "operations",
        help="build the persisted-query manifest from schema/operations/",
        description="Write schema/persisted-query-manifest.json from schema/operations/.",
    )
    operations.add_argument(
        "--check", action="store_true", help="fail if the committed manifest is out of date"
    )
    return parser


def _up(throwaway_data: bool | None) -> int:
    from shared.devstack.config import ConfigError, StackConfig
    from shared.devstack.stack import StackError, run

    try:
        config = StackConfig.from_env(throwaway_data=throwaway_data)
        return asyncio.run(run(config))
    except (ConfigError, StackError) as error:
        print(f"minishop: error: {error}", file=sys.stderr)
        return 1


def _migrate(name: str, *, seed: bool) -> int:
    import importlib

    from shared.db.migrations import upgrade

    spec = service(name)
    settings_module = importlib.import_module(f"subgraphs.{name}.settings")
    database_url = getattr(settings_module, f"{name}_settings")().database_url
    if not database_url:
        print(f"minishop: error: set {spec.env_prefix}DATABASE_URL", file=sys.stderr)
        return 1
    upgrade(spec, database_url)
    print(f"minishop: {name} migrated")
    if seed:
        seeding = importlib.import_module(f"subgraphs.{name}.seed")
        asyncio.run(seeding.seed(database_url))
        print(f"minishop: {name} seeded")
    return 0


def _schema(argv: list[str]) -> int:
    # Looked up at call time, so the pipeline is only imported when used.
    schema_pipeline = importlib.import_module("shared.schema_pipeline")

    return int(schema_pipeline.main(argv) or 0)


def main(argv: Sequence[str] | None = None) -> int:
    args, extra = _parser().parse_known_args(argv)
    if args.command == "migrate":
        if extra:
            _parser().error(f"unrecognized arguments: {' '.join(extra)}")
        return _migrate(args.service, seed=args.seed)
    if args.command == "worker":
        from shared.events import worker

        return worker.main(extra)
    if args.command == "schema":
        # Options this parser does not know belong to the pipeline.
        return _schema((["--check"] if args.check else []) + extra)
    if args.command == "operations":
        if extra:
            _parser().error(f"unrecognized arguments: {' '.join(extra)}")
        from shared import operations

        return operations.main(["--check"] if args.check else [])
    if extra:
        _parser().error(f"unrecognized arguments: {' '.join(extra)}")
    return _up(args.throwaway_data)


if __name__ == "__main__":
    sys.exit(main())
