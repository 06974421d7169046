"""Runs the real `minishop up` code (`shared.devstack.stack.run`) with fake subgraphs.

Everything real except what other modules provide: the subgraph apps, the
gateway, the migrations and the seeds, which are small stand-ins that leave
traces the tests can check. Configured from the environment like `minishop up`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import sys
from collections.abc import Mapping
from pathlib import Path

import asyncpg

from shared.db.urls import asyncpg_url
from shared.devstack.children import UVICORN_GRACEFUL_SECONDS, Backends, gateway_env
from shared.devstack.config import LOCALHOST, StackConfig
from shared.devstack.stack import Steps, run
from shared.devstack.supervisor import ChildSpec
from shared.services import ServiceSpec


@dataclasses.dataclass(frozen=True, slots=True)
class FakeSpec(ServiceSpec):
    @property
    def app_factory(self) -> str:
        return "tests.devstack.fake_service:create_app"


FAKE_SERVICES = (
    FakeSpec("accounts", 4001),
    FakeSpec("catalog", 4002),
    FakeSpec("cart", 4003, uses_postgres=False),
)


def migrate(spec: ServiceSpec, url: str) -> None:
    async def create_table() -> None:
        connection = await asyncpg.connect(asyncpg_url(url))
        try:
            await connection.execute("CREATE TABLE IF NOT EXISTS seeded (service text PRIMARY KEY)")
        finally:
            await connection.close()

    # Like Alembic's env.py: its own event loop, in the stack's worker thread.
    asyncio.run(create_table())


async def seed(spec: ServiceSpec, url: str) -> None:
    connection = await asyncpg.connect(asyncpg_url(url))
    try:
        await connection.execute("INSERT INTO seeded VALUES ($1) ON CONFLICT DO NOTHING", spec.name)
    finally:
        await connection.close()


def ensure_signing_key(path: Path) -> Path:
    path.write_text("not a real key\n")
    return path


def gateway(config: StackConfig, backends: Backends, base: Mapping[str, str]) -> ChildSpec:
    return ChildSpec(
        name="gateway",
        argv=(
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "tests.devstack.fake_service:create_gateway",
            "--host",
            LOCALHOST,
            "--port",
            str(config.gateway_port),
            "--timeout-graceful-shutdown",
            str(UVICORN_GRACEFUL_SECONDS),
        ),
        env=gateway_env(config, backends, base),
        cwd=config.repo_root,
        ready_url=f"http://{LOCALHOST}:{config.gateway_port}/readiness",
    )


STEPS = Steps(
    migrate=migrate,
    seed=seed,
    ensure_signing_key=ensure_signing_key,
    prepare_gateway=lambda _root: None,
    gateway=gateway,
)


def main() -> int:
    config = dataclasses.replace(
        StackConfig.from_env(), services=FAKE_SERVICES, components=(), web_apps=()
    )
    return asyncio.run(run(config, STEPS))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
