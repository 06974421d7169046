"""`minishop up`: the whole stack on one machine, stopped by Ctrl-C.

In order: the home folder, Postgres and Redis (embedded unless DATABASE_URL /
REDIS_URL are set), per service its database, migrations and demo data, the
JWT signing key, the subgraphs, then the gateway. Everything started is stopped
on SIGINT/SIGTERM or when any process dies, children first, then the servers.

The steps owned by other modules (migrations, seeds, keys, the gateway's npm
packages) are imported when first called, through `Steps`, which tests replace.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import importlib
import os
import sys
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit, urlunsplit

from shared.devstack.children import (
    Backends,
    component_child,
    gateway_binary,
    gateway_child,
    shared_env,
    subgraph_child,
    web_app_child,
)
from shared.devstack.config import StackConfig
from shared.devstack.postgres import (
    EmbeddedPostgres,
    PostgresStartError,
    database_url,
    ensure_database,
)
from shared.devstack.process import port_is_free
from shared.devstack.redis import EmbeddedRedis, RedisStartError
from shared.devstack.signals import StopRequested, StopSignals
from shared.devstack.supervisor import ChildExited, ChildSpec, NotReady, Supervisor
from shared.services import ServiceSpec
from shared.settings import DEV_ADMIN_PASSWORD

READY_PREFIX = "MiniShop is ready:"
# Children get this long after SIGTERM, the servers SERVER_GRACE after that:
# with the SIGKILL waits, the whole stop stays under 10 s.
CHILD_GRACE = 4.0
SERVER_GRACE = 3.0


class StackError(RuntimeError):
    """`minishop up` cannot go on; the message says why and what to do."""


def _migrate(spec: ServiceSpec, url: str) -> None:
    from shared.db.migrations import upgrade

    upgrade(spec, url)


async def _seed(spec: ServiceSpec, url: str) -> None:
    module_name = f"subgraphs.{spec.name}.seed"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name == module_name:
            return  # this service has no demo data
        raise
    await module.seed(url)


def _ensure_signing_key(path: Path) -> Path:
    from shared.auth.keys import ensure_private_key

    return ensure_private_key(path)


def _prepare_gateway(repo_root: Path) -> None:
    from shared.schema_pipeline import ensure_router_node_modules

    ensure_router_node_modules(repo_root)


def _gateway(config: StackConfig, backends: Backends, base: Mapping[str, str]) -> ChildSpec:
    binary = gateway_binary(config)
    if not binary.exists():
        raise StackError(f"{binary} is missing: run `npm ci --prefix router`")
    if not config.supergraph_path.exists():
        raise StackError(f"{config.supergraph_path} is missing: run `minishop schema`")
    return gateway_child(config, backends, base)


@dataclass(frozen=True, slots=True)
class Steps:
    """The parts of `minishop up` that other modules implement."""

    migrate: Callable[[ServiceSpec, str], None] = _migrate
    seed: Callable[[ServiceSpec, str], Awaitable[None]] = _seed
    ensure_signing_key: Callable[[Path], Path] = _ensure_signing_key
    prepare_gateway: Callable[[Path], None] = _prepare_gateway
    gateway: Callable[[StackConfig, Backends, Mapping[str, str]], ChildSpec] = _gateway


def redact(url: str) -> str:
    """`url` without its password, for printing."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


@contextlib.contextmanager
def home_lock(home: Path) -> Iterator[None]:
    """Hold `<home>/up.lock` so two `minishop up` never share one data folder."""
    home.mkdir(parents=True, exist_ok=True)
    with (home / "up.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StackError(f"another `minishop up` is already using {home}") from None
        yield


class _Stack:
    def __init__(self, config: StackConfig, steps: Steps, stop: StopSignals, out: TextIO):
        self.config = config
        self.steps = steps
        self.stop = stop
        self.out = out
        self.doing = "starting"

    def say(self, message: str) -> None:
        print(message, file=self.out, flush=True)

    def step(self, doing: str) -> None:
        self.doing = doing
        self.say(f"minishop: {doing}…")

    async def run(self, cleanup: AsyncExitStack) -> None:
        config = self.config
        for folder in (config.log_dir, config.signing_key_path.parent):
            folder.mkdir(parents=True, exist_ok=True)
        kept = "throwaway data" if config.throwaway_data else "data kept between runs"
        self.say(f"minishop: home {config.home} ({kept})")
        # Up front: a stranger answering a readiness URL must never pass for our child.
        busy = [str(port) for port in config.ports if not port_is_free(port)]
        if busy:
            raise StackError(
                f"port(s) {', '.join(busy)} already in use: is another MiniShop running? "
                "(the MINISHOP_*_PORT variables move the stack)"
            )

        # Before the servers: a missing npm package fails the run at once.
        self.step("installing the gateway's npm packages if needed")
        try:
            await asyncio.to_thread(self.steps.prepare_gateway, config.repo_root)
        except Exception as error:
            self.stop.check()  # npm cut short by the same Ctrl-C is a stop, not a failure
            raise StackError(
                f"the gateway's npm packages could not be installed: {error}"
            ) from error

        postgres_url, redis_url, supervisor = await self._start_servers(cleanup)
        # The seeds run in this process: they must read the settings the children get.
        os.environ.update(shared_env(config, redis_url))
        _forget_cached_settings()
        await self._prepare_databases(postgres_url)
        backends = Backends(
            postgres_url, redis_url, self.steps.ensure_signing_key(config.signing_key_path)
        )
        stand_ins = "".join(f", {c.name}" for c in config.components)
        apps = "".join(f", the {app.name} app" for app in config.web_apps)
        self.step(f"starting {len(config.services)} subgraphs{stand_ins}, the gateway{apps}")
        # All at once: the gateway reads its supergraph from a file and the web
        # apps are files, so neither waits for a subgraph, and the cores stay busy.
        base = dict(os.environ)
        children = [
            *(component_child(config, component, base) for component in config.components),
            *(subgraph_child(config, spec, backends, base) for spec in config.services),
            self.steps.gateway(config, backends, base),
            *(web_app_child(config, app, base) for app in config.web_apps),
        ]
        for child in children:
            await supervisor.spawn(child)
        await supervisor.wait_ready([child.name for child in children], config.ready_timeout)

        self.say(f"Logs: {config.log_dir}/<name>.log")
        if config.components:
            self.say(f"Mail: every e-mail sent is a .eml file in {config.mail_dir}")
        default = " (development default)" if config.admin_password == DEV_ADMIN_PASSWORD else ""
        self.say(f"Admin{default}: {config.admin_email} / {config.admin_password}")
        for app in config.web_apps:
            self.say(f"{app.name.capitalize()}: {config.component_url(app)}/")
        self.say(
            f"{READY_PREFIX} GraphiQL at {config.gateway_url} "
            f"(admin: {config.admin_email} / {config.admin_password})"
        )
        self.say("Press Ctrl-C to stop.")
        self.doing = "running"
        await supervisor.run_until_stopped()

    async def _start_servers(self, cleanup: AsyncExitStack) -> tuple[str, str, Supervisor]:
        config = self.config
        postgres = EmbeddedPostgres(
            config.pgdata,
            config.postgres_port,
            config.log_dir / "postgres.log",
            durable=not config.throwaway_data,
        )
        redis = EmbeddedRedis(
            config.redis_dir,
            config.redis_port,
            config.log_dir / "redis.log",
            persistent=not config.throwaway_data,
        )

        async def stop_servers() -> None:
            await asyncio.gather(postgres.stop(SERVER_GRACE), redis.stop(SERVER_GRACE))

        cleanup.push_async_callback(stop_servers)
        supervisor = Supervisor(config.log_dir, self.stop, grace=CHILD_GRACE)
        # Registered after the servers, so it runs first: children before servers.
        cleanup.push_async_callback(supervisor.stop)

        if config.database_url is not None:
            postgres_url = config.database_url
            self.say(f"minishop: using the Postgres server at {redact(postgres_url)}")
        else:
            self.step(f"starting Postgres on 127.0.0.1:{config.postgres_port}")
            await self.stop.guard(postgres.start())
            assert postgres.process is not None
            supervisor.watch("postgres", postgres.process, postgres.log_path)
            postgres_url = postgres.url
        if config.redis_url is not None:
            redis_url = config.redis_url
            self.say(f"minishop: using the Redis server at {redact(redis_url)}")
        else:
            self.step(f"starting Redis on 127.0.0.1:{config.redis_port}")
            await self.stop.guard(redis.start())
            assert redis.process is not None
            supervisor.watch("redis", redis.process, redis.log_path)
            redis_url = redis.url
        return postgres_url, redis_url, supervisor

    async def _prepare_databases(self, postgres_url: str) -> None:
        for spec in self.config.services:
            if not spec.uses_postgres:
                continue
            self.step(f"preparing {spec.name}: database {spec.database_name}, migrations, seed")
            await self.stop.guard(ensure_database(postgres_url, spec.database_name))
            url = database_url(postgres_url, spec.database_name)
            # Alembic runs its own event loop, so not on ours; it cannot be
            # interrupted, only skipped when a stop arrived before it.
            self.stop.check()
            await asyncio.to_thread(self.steps.migrate, spec, url)
            await self.stop.guard(self.steps.seed(spec, url))


def _forget_cached_settings() -> None:
    from shared.settings import platform_settings

    platform_settings.cache_clear()


async def run(config: StackConfig, steps: Steps | None = None, out: TextIO = sys.stdout) -> int:
    """Run the stack until SIGINT/SIGTERM (exit code 0) or a failure (1)."""
    stack = _Stack(config, steps or Steps(), StopSignals(), out)
    code = 1
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(home_lock(config.home))
        except StackError as error:
            stack.say(f"minishop: error: {error}")
            return 1
        held.enter_context(stack.stop)
        async with AsyncExitStack() as cleanup:
            try:
                await stack.run(cleanup)
            except StopRequested:
                stack.say("minishop: stopping…")
                code = 0
            except (ChildExited, NotReady) as error:
                stack.say(f"minishop: {error.report()}")
                stack.say("minishop: stopping the rest…")
            except (StackError, PostgresStartError, RedisStartError) as error:
                stack.say(f"minishop: error while {stack.doing}: {error}")
            except Exception:
                if not stack.stop.requested:
                    stack.say(f"minishop: failed while {stack.doing}; stopping…")
                    raise
                # E.g. npm or a migration cut short by the same Ctrl-C: not a failure.
                stack.say("minishop: stopping…")
                code = 0
            except BaseException:
                stack.say(f"minishop: interrupted while {stack.doing}; stopping…")
                raise
    stack.say("minishop: stopped.")
    return code
