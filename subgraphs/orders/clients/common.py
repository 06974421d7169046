"""Calling a peer under one deadline, with its failures in orders' terms."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from shared.internal import InternalCallError, ServiceUnavailable
from subgraphs.orders.clients.errors import PeerUnavailable

T = TypeVar("T")

# Answers that are not the peer's verdict but a broken exchange.
_BROKEN = frozenset({"INVALID_RESPONSE", "UNEXPECTED_RESPONSE"})


async def within(peer: str, seconds: float, call: Awaitable[T]) -> T:
    """`call` with one deadline over all its attempts; outages become PeerUnavailable,
    the peer's own error codes stay InternalCallError for the caller to read."""
    try:
        async with asyncio.timeout(seconds):
            return await call
    except TimeoutError as error:
        raise PeerUnavailable(peer, "timed out") from error
    except ServiceUnavailable as error:
        raise PeerUnavailable(peer, error.code) from error
    except InternalCallError as error:
        if error.code in _BROKEN:
            raise PeerUnavailable(peer, error.code) from error
        raise
