"""The `minishop` command line."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import pytest

from shared import cli

MINISHOP = Path(sys.executable).with_name("minishop")


def test_console_script_lists_its_commands() -> None:
    result = subprocess.run(
        [str(MINISHOP), "--help"], capture_output=True, text=True, check=True, timeout=60
    )

    assert "up" in result.stdout
    assert "schema" in result.stdout


def test_schema_delegates_to_the_pipeline_with_its_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[list[str]] = []

    def pipeline_main(argv: list[str]) -> int:
        calls.append(argv)
        return 7

    pipeline = types.ModuleType("shared.schema_pipeline")
    pipeline.main = pipeline_main  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "shared.schema_pipeline", pipeline)

    assert cli.main(["schema", "--check"]) == 7
    assert cli.main(["schema", "--only", "catalog"]) == 7
    assert calls == [["--check"], ["--only", "catalog"]]


def test_up_rejects_unknown_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        cli.main(["up", "--fast"])

    assert raised.value.code == 2
    assert "unrecognized arguments: --fast" in capsys.readouterr().err


def test_up_with_a_bad_setting_fails_before_starting_anything(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("MINISHOP_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MINISHOP_REDIS_PORT", "six")

    assert cli.main(["up"]) == 1

    assert capsys.readouterr().err == (
        "minishop: error: MINISHOP_REDIS_PORT='six' is not a port number\n"
    )
    assert not (tmp_path / "home").exists()


def test_worker_names_the_services_it_can_run(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        cli.main(["worker", "--help"])

    assert raised.value.code == 0
    usage = capsys.readouterr().out
    assert "minishop worker" in usage and "accounts" in usage and "catalog" in usage


def test_worker_refuses_an_unknown_service(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        cli.main(["worker", "nope"])

    assert raised.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
