"""Export each subgraph's SDL and compose the supergraph the gateways serve.

The files under `schema/` are generated from code and checked in, so a change
to a subgraph's types shows up in review as a schema diff, and a test fails
when they drift. Composition runs Apollo's own `@apollo/composition` through
`router/compose.mjs`: the same rules Apollo Router and rover apply.

    python -m shared.schema_pipeline          # rewrite schema/*.graphql
    python -m shared.schema_pipeline --check  # exit 1 if they are out of date
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import importlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import strawberry
from strawberry.printer import print_schema

from shared.services import SERVICES, ServiceSpec, service

REPO_ROOT = Path(__file__).resolve().parents[1]
SCHEMA_DIR = "schema"
SUPERGRAPH_FILE = "supergraph.graphql"
ROUTING_HOST = "127.0.0.1"

# Composition of a handful of subgraphs takes about a second; npm ci about a
# minute on a cold cache. Generous limits, so a hung child cannot hang CI.
COMPOSE_TIMEOUT_SECONDS = 120
NPM_CI_TIMEOUT_SECONDS = 900


class PipelineError(Exception):
    """A tool the pipeline needs (node, npm) is missing or failed."""


class CompositionError(PipelineError):
    """The subgraphs do not compose; `errors` holds one line per problem."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__("composition failed:\n" + "\n".join(f"  {e}" for e in self.errors))


def export_subgraph_sdl(name: str) -> str:
    """The SDL subgraph `name` serves to the gateway as `_service { sdl }`.

    Strawberry's `_service.sdl` resolver is `print_schema(schema)`, with the
    federation `@link` and the `_entities`/`_service` fields, which
    composition expects to see.

    >>> "type Query" in export_subgraph_sdl("accounts")
    True
    """
    module = importlib.import_module(f"subgraphs.{name}.graphql.schema")
    schema = getattr(module, "schema", None)
    if not isinstance(schema, strawberry.federation.Schema):
        raise PipelineError(
            f"subgraphs.{name}.graphql.schema.schema must be a strawberry.federation.Schema, "
            f"got {type(schema).__name__}"
        )
    return _with_final_newline(print_schema(schema))


def routing_url(spec: ServiceSpec) -> str:
    """Where the gateway reaches a service by default: its port in SERVICES."""
    return f"http://{ROUTING_HOST}:{spec.port}/graphql"


def compose(
    sdls: Mapping[str, str],
    *,
    routing_urls: Mapping[str, str] | None = None,
    root: Path = REPO_ROOT,
) -> str:
    """Compose subgraph SDLs (name → SDL) into a supergraph SDL.

    Routing URLs come from `shared.services.SERVICES` unless given in
    `routing_urls` (tests compose subgraphs that are not MiniShop services).
    `root` is the checkout whose `router/compose.mjs` runs. Raises
    `CompositionError` with Apollo's messages and codes on failure.

    >>> sdl = compose({"accounts": export_subgraph_sdl("accounts")})
    >>> 'url: "http://127.0.0.1:4001/graphql"' in sdl
    True
    """
    urls = dict(routing_urls or {})
    payload = [
        {"name": name, "url": urls.get(name) or routing_url(service(name)), "sdl": sdl}
        for name, sdl in sdls.items()
    ]
    ensure_router_node_modules(root)
    script = root / "router" / "compose.mjs"
    try:
        completed = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [_tool("node"), str(script)],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            cwd=script.parent,
            timeout=COMPOSE_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise PipelineError(f"{script} took longer than {error.timeout} s") from error
    if completed.returncode != 0:
        lines = [line for line in completed.stderr.splitlines() if line.strip()]
        raise CompositionError(lines or [f"node exited with status {completed.returncode}"])
    return completed.stdout


def generate_schema_files() -> dict[str, str]:
    """Every file under `schema/` the code determines: file name → content.

    Composed with this checkout's router/, whichever folder the files go to.
    """
    sdls = {spec.name: export_subgraph_sdl(spec.name) for spec in SERVICES}
    urls = {spec.name: routing_url(spec) for spec in SERVICES}
    files = {f"{name}.graphql": sdl for name, sdl in sdls.items()}
    files[SUPERGRAPH_FILE] = _with_final_newline(compose(sdls, routing_urls=urls))
    return files


def write_schema_files(root: Path = REPO_ROOT) -> list[Path]:
    """Write `schema/<service>.graphql` for each service and `schema/supergraph.graphql`."""
    directory = root / SCHEMA_DIR
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in generate_schema_files().items():
        path = directory / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written


def check_schema_files(root: Path = REPO_ROOT) -> list[str]:
    """Names of the files under `schema/` that are missing or differ from the code."""
    directory = root / SCHEMA_DIR
    stale = []
    for name, content in generate_schema_files().items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            stale.append(name)
    return stale


def router_node_modules_stale(root: Path = REPO_ROOT) -> bool:
    """True when `router/node_modules` is missing or older than `package-lock.json`.

    npm rewrites `node_modules/.package-lock.json` on every install, so its
    mtime is when the tree was last installed (the folder's own mtime only
    changes when entries are added or removed).
    """
    router = root / "router"
    installed = router / "node_modules" / ".package-lock.json"
    if not installed.is_file():
        return True
    return installed.stat().st_mtime < (router / "package-lock.json").stat().st_mtime


def ensure_router_node_modules(root: Path = REPO_ROOT) -> bool:
    """Run `npm ci` in `router/` if its packages are missing or outdated.

    Returns True when it installed. Safe to call from parallel processes:
    they take turns on a lock and the later ones find the tree up to date.
    """
    if not router_node_modules_stale(root):
        return False
    router = root / "router"
    with _locked(router / "package-lock.json"):
        if not router_node_modules_stale(root):
            return False
        try:
            completed = subprocess.run(  # noqa: S603 - fixed argv, no shell
                [_tool("npm"), "ci", "--no-audit", "--no-fund"],
                cwd=router,
                capture_output=True,
                text=True,
                timeout=NPM_CI_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise PipelineError(f"npm ci in {router} took longer than {error.timeout} s") from error
        if completed.returncode != 0:
            raise PipelineError(
                f"npm ci in {router} failed (status {completed.returncode}):\n"
                f"{completed.stderr[-4000:]}"
            )
        # A lock file dated ahead of the clock (a checkout from a skewed
        # machine) would otherwise look newer than every install, forever.
        marker = router / "node_modules" / ".package-lock.json"
        if marker.is_file():
            lock_mtime = (router / "package-lock.json").stat().st_mtime
            stamp = max(time.time(), lock_mtime)
            os.utime(marker, (stamp, stamp))
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """`minishop schema [--check]`: regenerate or verify the checked-in schema files."""
    parser = argparse.ArgumentParser(
        prog="minishop schema",
        description="Export the subgraph schemas and compose schema/supergraph.graphql.",
    )
    parser.add_argument(
        "--check", action="store_true", help="fail if the checked-in files are out of date"
    )
    parser.add_argument(
        "--root", type=Path, default=REPO_ROOT, help="repository root (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    try:
        if args.check:
            stale = check_schema_files(root)
            if stale:
                names = ", ".join(f"{SCHEMA_DIR}/{name}" for name in stale)
                print(f"out of date: {names}; run `minishop schema`", file=sys.stderr)
                return 1
            print(f"{SCHEMA_DIR}/ is up to date")
            return 0
        for path in write_schema_files(root):
            print(f"wrote {path.relative_to(root)}")
        return 0
    except PipelineError as error:
        print(f"minishop schema: {error}", file=sys.stderr)
        return 1


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise PipelineError(f"`{name}` is not on PATH; install Node.js 20 or newer")
    return found


def _with_final_newline(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    # flock on the lock file itself: no extra file in the work tree.
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


if __name__ == "__main__":
    sys.exit(main())
