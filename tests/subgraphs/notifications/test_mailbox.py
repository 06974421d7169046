"""The local mailbox as `make up` runs it: a process keeping every e-mail as a .eml file."""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import httpx
import pytest

from shared.devstack.process import free_port

REPO_ROOT = Path(__file__).resolve().parents[3]
FILE_NAME = re.compile(r"^\d{8}T\d{6}\.\d{6}Z-\d{6}\.eml$")


@asynccontextmanager
async def mailbox_process(
    mail_dir: Path,
) -> AsyncIterator[tuple[asyncio.subprocess.Process, int, str]]:
    smtp_port, http_port = free_port(), free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "shared.devstack.mailbox",
        *("--host", "127.0.0.1", "--smtp-port", str(smtp_port)),
        *("--http-port", str(http_port), "--dir", str(mail_dir)),
        cwd=REPO_ROOT,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{http_port}"
    try:
        await wait_ready(process, url)
        yield process, smtp_port, url
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def wait_ready(process: asyncio.subprocess.Process, url: str) -> None:
    async with asyncio.timeout(20), httpx.AsyncClient(base_url=url) as http:
        while True:
            assert process.returncode is None, "the mailbox exited at start-up"
            try:
                if (await http.get("/health/ready")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)


def email(to: str, subject: str, message_id: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "MiniShop <no-reply@minishop.local>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message.set_content("Hello.\n")
    return message


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT])
async def test_the_mailbox_keeps_each_message_lists_them_and_stops_cleanly(
    tmp_path: Path, stop_with: signal.Signals
) -> None:
    mail_dir = tmp_path / "mail"
    async with mailbox_process(mail_dir) as (process, smtp_port, url):
        for n in (1, 2):
            await aiosmtplib.send(
                email(f"shopper{n}@example.com", f"Order MS-{n}", f"<m{n}@minishop.local>"),
                hostname="127.0.0.1",
                port=smtp_port,
                timeout=5,
            )
        async with httpx.AsyncClient(base_url=url) as http:
            listed = (await http.get("/messages")).json()

        process.send_signal(stop_with)
        async with asyncio.timeout(10):
            code = await process.wait()

    assert code == 0
    assert [{k: v for k, v in m.items() if k != "file"} for m in listed] == [
        {
            "from": "MiniShop <no-reply@minishop.local>",
            "to": [f"shopper{n}@example.com"],
            "subject": f"Order MS-{n}",
            "message_id": f"<m{n}@minishop.local>",
        }
        for n in (1, 2)
    ]
    files = sorted(path.name for path in await asyncio.to_thread(lambda: list(mail_dir.iterdir())))
    assert files == [m["file"] for m in listed]  # no temporary file left beside them
    assert all(FILE_NAME.match(name) for name in files)
    kept = await asyncio.to_thread((mail_dir / files[0]).read_bytes)
    assert b"Subject: Order MS-1" in kept
    assert b"Hello." in kept


async def test_the_mailbox_lists_nothing_before_the_first_message(tmp_path: Path) -> None:
    async with (
        mailbox_process(tmp_path / "not-yet") as (_process, _smtp_port, url),
        httpx.AsyncClient(base_url=url) as http,
    ):
        response = await http.get("/messages")

    assert (response.status_code, response.json()) == (200, [])
