"""Services as real processes that a test may kill and start again (fault tests).

The same command lines and environments as `minishop up` (shared.devstack.children),
on free ports, each service on a fresh database of its own. Tests call a subgraph's
`/graphql` directly with tokens signed by the run's key, or name "gateway" too for
the real gateway in front of whichever subgraphs run (`url("gateway")` is its /graphql).
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import time
from asyncio.subprocess import Process
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from shared.devstack.children import (
    GATEWAY_NAME,
    Backends,
    component_child,
    gateway_child,
    subgraph_child,
)
from shared.devstack.config import LOCAL_PORT_SPAN, StackConfig
from shared.devstack.process import free_port, free_port_span, log_tail, spawn, terminate
from shared.devstack.supervisor import ChildSpec
from shared.services import COMPONENTS, SERVICES
from tests.support.databases import DatabaseFactory
from tests.support.services import SIGNING_KEY_PEM

READY_SECONDS = 60.0


@dataclass
class Fleet:
    """Running service processes by name; `kill` and `start` them at will."""

    config: StackConfig
    specs: dict[str, ChildSpec]
    processes: dict[str, Process] = field(default_factory=dict)

    def url(self, name: str) -> str:
        if name == GATEWAY_NAME:
            return self.config.gateway_url
        for spec in self.config.services:
            if spec.name == name:
                return self.config.service_url(spec)
        for component in self.config.components:
            if component.name == name:
                return self.config.component_url(component)
        raise KeyError(name)

    def log(self, name: str) -> Path:
        return self.config.log_dir / f"{name}.log"

    async def start(self, name: str) -> None:
        spec = self.specs[name]
        self.processes[name] = await spawn(
            spec.argv, log_path=self.log(name), env=spec.env, cwd=spec.cwd
        )
        await self.wait_ready(name)

    async def wait_ready(self, name: str) -> None:
        spec = self.specs[name]
        assert spec.ready_url is not None
        deadline = time.monotonic() + READY_SECONDS
        async with httpx.AsyncClient(timeout=2.0, trust_env=False) as http:
            while True:
                process = self.processes[name]
                if process.returncode is not None:
                    raise AssertionError(f"{name} exited:\n{log_tail(self.log(name))}")
                try:
                    if (await http.get(spec.ready_url)).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(f"{name} not ready:\n{log_tail(self.log(name))}")
                await asyncio.sleep(0.1)

    async def kill(self, name: str) -> None:
        """SIGKILL: no shutdown code runs, as in a crash."""
        await terminate(self.processes.pop(name), sig=signal.SIGKILL, grace=5.0)

    async def stop(self, name: str) -> None:
        await terminate(self.processes.pop(name), sig=signal.SIGTERM, grace=10.0)

    async def stop_all(self) -> None:
        await asyncio.gather(*(terminate(p, grace=10.0) for p in self.processes.values()))
        self.processes.clear()


@asynccontextmanager
async def running_fleet(
    home: Path,
    *,
    postgres_url: str,
    redis_url: str,
    databases: DatabaseFactory,
    names: Sequence[str],
    env: dict[str, str] | None = None,
) -> AsyncIterator[Fleet]:
    """Start `names` (subgraphs and components) on fresh databases; stop them on exit."""
    base_port = free_port_span(LOCAL_PORT_SPAN)
    config = dataclasses.replace(
        StackConfig.from_env({"MINISHOP_HOME": str(home)}),
        subgraph_port_base=base_port,
        gateway_port=free_port(),
        env_name="test",
        throwaway_data=True,
    )
    key_path = home / "keys" / "jwt-signing.pem"
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_text(SIGNING_KEY_PEM)
    backends = Backends(postgres_url, redis_url, key_path)
    base = {
        **(env or {}),
        "MINISHOP_ENV": "test",
        "MINISHOP_HOME": str(home),
        "MINISHOP_LOG_LEVEL": "INFO",
        "MINISHOP_RATE_LIMITS": "off",
    }
    urls: list[str] = []
    specs: dict[str, ChildSpec] = {}
    for service in SERVICES:
        if service.name not in names:
            continue
        child = subgraph_child(config, service, backends, dict(os.environ))
        child_env = {**child.env, **base, "MINISHOP_REDIS_URL": redis_url}
        if service.uses_postgres:
            url = await databases.create(service)
            urls.append(url)
            child_env[f"{service.env_prefix}DATABASE_URL"] = url
        specs[service.name] = dataclasses.replace(child, env=child_env)
    for component in COMPONENTS:
        if component.name in names:
            child = component_child(config, component, dict(os.environ))
            specs[component.name] = dataclasses.replace(child, env={**child.env, **base})
    if GATEWAY_NAME in names:
        # Started last, as `minishop up` does: it serves whichever subgraphs run.
        child = gateway_child(config, backends, {**os.environ, **base})
        specs[GATEWAY_NAME] = child
    fleet = Fleet(config, specs)
    try:
        for name in specs:
            await fleet.start(name)
        yield fleet
    finally:
        await fleet.stop_all()
        for url in urls:
            await databases.drop(url)
