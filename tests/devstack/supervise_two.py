"""A supervisor running two HTTP servers until SIGINT/SIGTERM, for the signal test.

The second server ignores SIGTERM, so stopping it takes the SIGKILL path.
Usage: supervise_two.py LOG_DIR PORT_A PORT_B
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from shared.devstack.signals import StopRequested, StopSignals
from shared.devstack.supervisor import ChildSpec, Supervisor

STUBBORN_SERVER = """
import signal, sys
from http.server import HTTPServer, SimpleHTTPRequestHandler
signal.signal(signal.SIGTERM, signal.SIG_IGN)
HTTPServer(("127.0.0.1", int(sys.argv[1])), SimpleHTTPRequestHandler).serve_forever()
"""
GRACE_SECONDS = 3.0


async def main(log_dir: Path, port_a: int, port_b: int) -> int:
    children = [
        ChildSpec(
            "polite",
            (sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port_a)),
            os.environ,
            log_dir,
            f"http://127.0.0.1:{port_a}/",
        ),
        ChildSpec(
            "stubborn",
            (sys.executable, "-c", STUBBORN_SERVER, str(port_b)),
            os.environ,
            log_dir,
            f"http://127.0.0.1:{port_b}/",
        ),
    ]
    with StopSignals() as stop:
        supervisor = Supervisor(log_dir, stop, grace=GRACE_SECONDS)
        try:
            for child in children:
                await supervisor.spawn(child)
            await supervisor.wait_ready([child.name for child in children], 30)
            print("ready", flush=True)
            await supervisor.run_until_stopped()
        except StopRequested:
            pass
        finally:
            await supervisor.stop()
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))))
