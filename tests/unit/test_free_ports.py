"""Ports for local servers come from outside the ephemeral range, never twice."""

from __future__ import annotations

import socket
from pathlib import Path

from shared.devstack.process import LOWEST_PICKED_PORT, free_port, free_port_span


def _ephemeral_start() -> int:
    return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])


def test_picked_ports_are_below_the_ephemeral_range_and_distinct() -> None:
    ports = [free_port() for _ in range(200)]
    assert len(set(ports)) == len(ports)
    assert all(LOWEST_PICKED_PORT <= port < _ephemeral_start() for port in ports)


def test_a_span_is_free_and_shares_no_port_with_earlier_picks() -> None:
    single = free_port()
    first = free_port_span(12)
    assert single not in range(first, first + 12)
    assert first + 12 <= _ephemeral_start()
    for port in range(first, first + 12):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))  # free: binds
