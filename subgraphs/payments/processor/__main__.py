"""`python -m subgraphs.payments.processor [--port N]`: the mock processor on 127.0.0.1."""

from __future__ import annotations

import argparse

import uvicorn

from shared.services import PAYMENT_PROCESSOR


def main() -> None:
    parser = argparse.ArgumentParser(description="Mock card processor (local stand-in).")
    parser.add_argument("--port", type=int, default=PAYMENT_PROCESSOR.http_port)
    args = parser.parse_args()
    # Loopback only: it is a test double, never meant to be reachable from outside.
    uvicorn.run(
        "subgraphs.payments.processor.app:create_app",
        factory=True,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
