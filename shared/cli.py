"""The `minishop` command: `up` runs the local stack, `worker` a service's event work,
`schema` the schema pipeline."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from collections.abc import Sequence


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


def _schema(argv: list[str]) -> int:
    # Looked up at call time, so the pipeline is only imported when used.
    schema_pipeline = importlib.import_module("shared.schema_pipeline")

    return int(schema_pipeline.main(argv) or 0)


def main(argv: Sequence[str] | None = None) -> int:
    args, extra = _parser().parse_known_args(argv)
    if args.command == "worker":
        from shared.events import worker

        return worker.main(extra)
    if args.command == "schema":
        # Options this parser does not know belong to the pipeline.
        return _schema((["--check"] if args.check else []) + extra)
    if extra:
        _parser().error(f"unrecognized arguments: {' '.join(extra)}")
    return _up(args.throwaway_data)


if __name__ == "__main__":
    sys.exit(main())
