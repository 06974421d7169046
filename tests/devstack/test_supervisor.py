"""The supervisor: readiness, a dying child reported, everything stopped on a signal."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shared.devstack.process import free_port, port_is_free
from shared.devstack.signals import StopRequested, StopSignals
from shared.devstack.supervisor import ChildExited, ChildSpec, NotReady, Supervisor

DRIVER = Path(__file__).with_name("supervise_two.py")


def http_server(name: str, port: int, cwd: Path) -> ChildSpec:
    return ChildSpec(
        name,
        (sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)),
        os.environ,
        cwd,
        f"http://127.0.0.1:{port}/",
    )


def python(name: str, code: str, cwd: Path, ready_url: str | None = None) -> ChildSpec:
    return ChildSpec(name, (sys.executable, "-c", code), os.environ, cwd, ready_url)


async def test_a_dying_child_is_reported_with_its_status_and_log(tmp_path: Path) -> None:
    port = free_port()
    with StopSignals() as stop:
        supervisor = Supervisor(tmp_path / "logs", stop, grace=2)
        try:
            steady = await supervisor.spawn(http_server("steady", port, tmp_path))
            await supervisor.spawn(
                python(
                    "doomed",
                    "import sys, time; time.sleep(0.5); print('no config file'); sys.exit(3)",
                    tmp_path,
                )
            )
            with pytest.raises(ChildExited) as raised:
                await supervisor.wait_ready(["steady"], 20)
                await supervisor.run_until_stopped()
        finally:
            await supervisor.stop()

    error = raised.value
    assert (error.name, error.returncode) == ("doomed", 3)
    assert error.log_path == tmp_path / "logs" / "doomed.log"
    report = error.report()
    assert report.startswith("doomed exited unexpectedly (exit code 3)")
    assert "    no config file" in report
    assert report.endswith(f"Full log: {tmp_path / 'logs' / 'doomed.log'}")
    assert steady.process.returncode is not None
    assert port_is_free(port)


async def test_a_child_killed_by_a_signal_is_reported_by_signal_name(tmp_path: Path) -> None:
    with StopSignals() as stop:
        supervisor = Supervisor(tmp_path, stop)
        await supervisor.spawn(
            python("victim", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)", tmp_path)
        )
        with pytest.raises(
            ChildExited, match=r"victim exited unexpectedly \(killed by signal SIGKILL\)"
        ):
            await supervisor.run_until_stopped()


async def test_a_child_not_ready_in_time_is_reported_with_its_log(tmp_path: Path) -> None:
    silent = f"http://127.0.0.1:{free_port()}/ready"
    with StopSignals() as stop:
        supervisor = Supervisor(tmp_path, stop, grace=2)
        try:
            await supervisor.spawn(
                python("slow", "import time; print('warming up'); time.sleep(60)", tmp_path, silent)
            )
            started = time.monotonic()
            with pytest.raises(NotReady) as raised:
                await supervisor.wait_ready(["slow"], 1.0)
            assert time.monotonic() - started < 5
        finally:
            await supervisor.stop()

    assert str(raised.value) == f"slow was not ready at {silent} within 1 s"
    assert "    warming up" in raised.value.report()


async def test_a_stop_signal_ends_the_wait_for_readiness(tmp_path: Path) -> None:
    silent = f"http://127.0.0.1:{free_port()}/ready"
    with StopSignals() as stop:
        supervisor = Supervisor(tmp_path, stop, grace=2)
        # A real Ctrl-C to this process, caught by the handler StopSignals installed.
        ctrl_c = asyncio.get_running_loop().call_later(0.3, os.kill, os.getpid(), signal.SIGINT)
        try:
            await supervisor.spawn(python("slow", "import time; time.sleep(60)", tmp_path, silent))
            with pytest.raises(StopRequested):
                await supervisor.wait_ready(["slow"], 30)
        finally:
            # Never let it fire once the handler is gone: it would end the test run.
            ctrl_c.cancel()
            await supervisor.stop()
    assert stop.received is signal.SIGINT


def test_sigint_stops_both_children_within_10_s_and_frees_their_ports(tmp_path: Path) -> None:
    ports = [free_port(), free_port()]
    output = tmp_path / "out.txt"
    with output.open("wb") as sink:
        driver = subprocess.Popen(
            [sys.executable, str(DRIVER), str(tmp_path / "logs"), *map(str, ports)],
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 30
        while "ready" not in output.read_text():
            assert driver.poll() is None, output.read_text()
            assert time.monotonic() < deadline, output.read_text()
            time.sleep(0.1)
        assert not any(port_is_free(port) for port in ports)

        started = time.monotonic()
        driver.send_signal(signal.SIGINT)
        assert driver.wait(10) == 0
        assert time.monotonic() - started < 10
    finally:
        if driver.poll() is None:
            os.killpg(driver.pid, signal.SIGKILL)
    assert output.read_text().endswith("stopped\n")
    assert all(port_is_free(port) for port in ports)
