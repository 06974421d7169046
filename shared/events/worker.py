"""`minishop worker <service>`: a service's outbox relay and consumers, without its API.

For deployments that scale event work apart from request handling: run the
service with `MINISHOP_EVENTS_IN_PROCESS=false` and this worker next to it
(same environment: the service's database URL and `MINISHOP_REDIS_URL`). A
service without a database (the cart) runs only its consumers here. Any
number of workers may run; relays take turns per batch and each consumer group
has one reader at a time (see `relay.py` and `runner.py`). SIGINT or SIGTERM
stops it cleanly: the batch or message in hand is finished or given back.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import signal
import sys
from typing import Any

from shared.app import ServiceDefinition, new_state, running_background, running_parts
from shared.services import SERVICES, service
from shared.settings import platform_settings

logger = logging.getLogger("minishop.events.worker")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="minishop worker",
        description="Run a service's outbox relay and event consumers until SIGINT/SIGTERM.",
    )
    parser.add_argument(
        "service",
        choices=[spec.name for spec in SERVICES],
        help="the service whose events to run",
    )
    return parser


def load_definition(name: str) -> ServiceDefinition[Any]:
    """The service's definition, as its app factory builds it (the app is not started)."""
    module_name, _, factory = service(name).app_factory.partition(":")
    app = getattr(importlib.import_module(module_name), factory)()
    definition: ServiceDefinition[Any] = app.state.definition
    return definition


async def run_worker(definition: ServiceDefinition[Any]) -> int:
    """The service's parts, relay, consumers and background tasks until SIGINT/SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    state = new_state(definition.name, platform_settings())
    async with (
        running_parts(definition, state) as parts,
        running_background(definition, state, parts),
    ):
        logger.info(
            "event worker running",
            extra={"consumers": [c.group for c in definition.consumers(parts)]},
        )
        await stop.wait()
        logger.info("event worker stopping")
    return 0


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    return asyncio.run(run_worker(load_definition(args.service)))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
