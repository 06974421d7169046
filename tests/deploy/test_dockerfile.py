"""The Dockerfile and .dockerignore, checked as files."""

from __future__ import annotations

import re

import pytest

from tests.deploy.compose_support import REPO_ROOT, dockerfile_stages, instructions


def test_dockerfile_builds_from_a_pinned_python_3_11_slim() -> None:
    for stage in dockerfile_stages():
        image = instructions(stage, "FROM")[0].split()[0]
        assert re.fullmatch(r"python:3\.11\.\d+-slim(-\w+)?", image), image


def test_dockerfile_installs_the_pinned_uv_and_syncs_the_lock_without_dev_tools() -> None:
    build = " ".join(instructions(dockerfile_stages()[0], "RUN"))
    env = " ".join(instructions(dockerfile_stages()[0], "ENV"))
    lock = (REPO_ROOT / "uv.lock").read_text()

    assert "pip install uv==0.13.8" in build
    assert "UV_PROJECT_ENVIRONMENT=/app/.venv" in env
    syncs = re.findall(r"uv sync ([^&]*)", build)
    assert syncs and all("--frozen" in s and "--no-dev" in s for s in syncs)
    for package in re.findall(r"--no-install-package ([\w-]+)", build):
        assert f'name = "{package}"' in lock, f"{package} is not in uv.lock"


def test_dockerfile_final_stage_is_non_root_without_build_tools() -> None:
    final = dockerfile_stages()[-1]
    user = instructions(final, "USER")[-1]
    runs = " ".join(instructions(final, "RUN"))

    assert re.fullmatch(r"[1-9]\d*(:[1-9]\d*)?", user), "a numeric, non-root USER"
    for tool in ("pip ", "uv ", "apt-get", "gcc", "build-essential"):
        assert tool not in runs, f"{tool.strip()} in the final stage"
    assert any("--from=build" in c and "/app" in c for c in instructions(final, "COPY"))


def test_dockerfile_serves_the_named_subgraph_on_8000_with_a_liveness_healthcheck() -> None:
    final = dockerfile_stages()[-1]
    command = instructions(final, "CMD")[-1]

    assert instructions(final, "EXPOSE") == ["8000"]
    assert "/health/live" in instructions(final, "HEALTHCHECK")[-1]
    assert "MINISHOP_SERVICE" in command
    assert re.search(r"uvicorn --factory \\?\"?subgraphs\.\$\{MINISHOP_SERVICE", command)
    assert "--host 0.0.0.0 --port 8000" in command


def dockerignored(path: str) -> bool:
    """Docker's rule: the last pattern matching the path or a parent decides."""
    ignored = False
    for raw in (REPO_ROOT / ".dockerignore").read_text().splitlines():
        pattern = raw.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        regex = re.escape(pattern).replace(r"\*\*/", "(.*/)?").replace(r"\*\*", ".*")
        regex = regex.replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        regex = regex.replace(r"\[", "[").replace(r"\]", "]")
        parts = path.split("/")
        if any(re.fullmatch(regex, "/".join(parts[:i])) for i in range(1, len(parts) + 1)):
            ignored = not negate
    return ignored


@pytest.mark.parametrize(
    "path",
    [
        ".git/HEAD",
        ".venv/bin/python",
        ".minishop/logs/catalog.log",
        "router/node_modules/graphql/index.js",
        ".pytest_cache/v/cache",
        ".ruff_cache/x",
        ".mypy_cache/x",
        "shared/__pycache__/app.cpython-311.pyc",
        "subgraphs/catalog/.pytest_cache/x",
        "tests/conftest.py",
        ".env",
    ],
)
def test_dockerignore_keeps_local_state_out_of_the_build(path: str) -> None:
    assert dockerignored(path)


def test_every_path_the_dockerfile_copies_is_in_the_build_context() -> None:
    for stage in dockerfile_stages():
        for instruction in instructions(stage, "COPY"):
            if "--from=" in instruction:
                continue
            for source in instruction.split()[:-1]:
                assert (REPO_ROOT / source).exists(), source
                assert not dockerignored(source), f"{source} is excluded by .dockerignore"
    for path in ("shared/app.py", "subgraphs/catalog/migrations/env.py"):
        assert not dockerignored(path), path
