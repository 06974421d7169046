"""A local mailbox: an SMTP server that keeps every message it receives as a file.

    python -m shared.devstack.mailbox --host 127.0.0.1 --smtp-port 4025 \\
        --http-port 4026 --dir .minishop/mail

Each message is written as `<UTC time>-<counter>.eml` under `--dir` (to a
temporary name first, then renamed, so a reader never sees half a message).
A small HTTP endpoint answers `GET /health/ready` and `GET /messages`, the list
of kept messages with their sender, recipients, subject and Message-ID, which
is what the tests and the local stack read. SIGINT or SIGTERM stops it.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import uvicorn
from aiosmtpd.smtp import SMTP, Envelope, Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

logger = logging.getLogger("minishop.mailbox")

STARTUP_TIMEOUT_SECONDS = 10.0
# Far above any e-mail the shop sends; a runaway client cannot fill the disk.
MAX_MESSAGE_BYTES = 10 * 1024 * 1024


class MailDirectory:
    """Where messages are kept, one `.eml` file each."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._counter = itertools.count(1)

    def keep(self, content: bytes) -> Path:
        """Write one message atomically; returns its file."""
        self.path.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        while True:
            target = self.path / f"{stamp}-{next(self._counter):06d}.eml"
            if not target.exists():
                break
        temporary = self.path / f".{target.name}.tmp"
        with temporary.open("wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
        return target

    def messages(self) -> list[dict[str, Any]]:
        """Every kept message, oldest first, by its headers."""
        if not self.path.is_dir():
            return []
        parser = BytesHeaderParser(policy=default_policy)
        listed = []
        for file in sorted(self.path.glob("*.eml")):
            with file.open("rb") as handle:
                headers = parser.parse(handle)
            listed.append(
                {
                    "file": file.name,
                    "from": str(headers.get("From", "")),
                    "to": [str(to) for to in headers.get_all("To", [])],
                    "subject": str(headers.get("Subject", "")),
                    "message_id": str(headers.get("Message-ID", "")),
                }
            )
        return listed


class KeepEverything:
    """The aiosmtpd handler: accepts every message and keeps it."""

    def __init__(self, directory: MailDirectory) -> None:
        self.directory = directory

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        # A disk write is quick; off the loop anyway, so SMTP sessions never stall.
        file = await asyncio.to_thread(self.directory.keep, content)
        logger.info("kept a message", extra={"file": file.name, "to": envelope.rcpt_tos})
        return "250 Message accepted for delivery"


def http_app(directory: MailDirectory) -> Starlette:
    async def ready(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ready"})

    async def messages(_: Request) -> JSONResponse:
        return JSONResponse(await asyncio.to_thread(directory.messages))

    return Starlette(
        routes=[
            Route("/health/live", ready),
            Route("/health/ready", ready),
            Route("/messages", messages),
        ]
    )


class _Server(uvicorn.Server):
    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        # The mailbox's own handlers stop it (see `serve`); uvicorn's would
        # re-raise the signal after shutting down, so it would not exit cleanly.
        yield


@dataclass
class RunningMailbox:
    host: str
    smtp_port: int
    http_port: int
    directory: MailDirectory

    @property
    def smtp_url(self) -> str:
        return f"smtp://{self.host}:{self.smtp_port}"

    @property
    def http_url(self) -> str:
        return f"http://{self.host}:{self.http_port}"


@asynccontextmanager
async def running_mailbox(
    host: str, smtp_port: int, http_port: int, directory: Path
) -> AsyncIterator[RunningMailbox]:
    """The SMTP server and the HTTP endpoint, serving on the running loop until exit."""
    mail = MailDirectory(directory)
    handler = KeepEverything(mail)
    loop = asyncio.get_running_loop()
    smtp_server = await loop.create_server(
        lambda: SMTP(handler, data_size_limit=MAX_MESSAGE_BYTES, hostname=host),
        host=host,
        port=smtp_port,
    )
    http_server = _Server(
        uvicorn.Config(http_app(mail), host=host, port=http_port, log_config=None, access_log=False)
    )
    http_task = asyncio.create_task(http_server.serve(), name="mailbox-http")
    try:
        async with asyncio.timeout(STARTUP_TIMEOUT_SECONDS):
            while not http_server.started:
                if http_task.done():
                    http_task.result()  # raises why it could not start
                    raise RuntimeError("the mailbox's HTTP endpoint stopped at start-up")
                await asyncio.sleep(0.01)
        yield RunningMailbox(host, smtp_port, http_port, mail)
    finally:
        http_server.should_exit = True
        smtp_server.close()
        await smtp_server.wait_closed()
        await http_task


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m shared.devstack.mailbox",
        description="Keep every e-mail sent to an SMTP port as a .eml file.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--smtp-port", type=int, default=4025)
    parser.add_argument("--http-port", type=int, default=4026)
    parser.add_argument("--dir", type=Path, default=Path(".minishop/mail"))
    return parser


async def serve(host: str, smtp_port: int, http_port: int, directory: Path) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with running_mailbox(host, smtp_port, http_port, directory):
        print(
            f"mailbox: SMTP on {host}:{smtp_port}, messages in {directory}, "
            f"list at http://{host}:{http_port}/messages",
            flush=True,
        )
        await stop.wait()
    return 0


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING)
    args = _parser().parse_args(argv)
    return asyncio.run(serve(args.host, args.smtp_port, args.http_port, args.dir))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
