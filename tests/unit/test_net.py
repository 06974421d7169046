"""The gateway's signed headers (shared/net.py): what a subgraph believes, and what not.

Given the deployment's key, when a header is signed by the gateway, then the
subgraph reads its address or operation; when it is forged, stale, moved onto
another document or absent, the subgraph falls back to the TCP peer, and a
client's own X-Forwarded-For never counts.
"""

from __future__ import annotations

import pytest
from starlette.requests import Request

from shared import net

KEY = net.gateway_key("a-deployment-secret-of-at-least-32-chars")
NOW = 1_767_225_600
QUERY = "query Q { a }"


def request(headers: dict[str, str], peer: str | None = "10.1.2.3") -> Request:
    scope = {
        "type": "http",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": (peer, 1234) if peer else None,
    }
    return Request(scope)


@pytest.mark.parametrize("address", ["203.0.113.5", "2001:db8::7"])
def test_signed_address_is_read_back(address: str) -> None:
    header = net.sign_client_address(KEY, address, now=NOW)

    assert net.verified_client_address(header, KEY, now=NOW + 5) == address


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "203.0.113.5",
        "203.0.113.5; t=1767225600",
        net.sign_client_address(KEY, "203.0.113.5", now=NOW).replace("203.0.113.5", "198.51.100.7"),
        net.sign_client_address(net.gateway_key("another-secret-another-secret-xx"), "203.0.113.5"),
        net.sign_client_address(KEY, "203.0.113.5", now=NOW - net.MAX_AGE_SECONDS - 1),
        net.sign_client_address(KEY, "203.0.113.5", now=NOW + net.MAX_AGE_SECONDS + 1),
        net.sign_client_address(KEY, "not-an-address", now=NOW),
        net.sign_client_address(KEY, "203.0.113.5", now=NOW) + "x" * 300,
        "203.0.113.5; t=abc; sig=xyz",
    ],
    ids=[
        "absent",
        "empty",
        "bare",
        "no-signature",
        "address-changed",
        "other-key",
        "stale",
        "future",
        "not-an-ip",
        "too-long",
        "garbage",
    ],
)
def test_unverifiable_address_header_is_ignored(header: str | None) -> None:
    assert net.verified_client_address(header, KEY, now=NOW) is None


def test_signed_operation_holds_for_its_document_only() -> None:
    header = net.sign_operation(KEY, "f" * 64, QUERY, now=NOW)

    assert net.verified_operation(header, QUERY, KEY, now=NOW) == "f" * 64
    assert net.verified_operation(header, QUERY + " ", KEY, now=NOW) is None
    assert net.verified_operation(header, QUERY, KEY, now=NOW + 3600) is None


def test_operation_header_must_name_a_manifest_id() -> None:
    header = net.sign_operation(KEY, "Q", QUERY, now=NOW)

    assert net.verified_operation(header, QUERY, KEY, now=NOW) is None


def test_address_and_operation_signatures_are_not_interchangeable() -> None:
    address_header = net.sign_client_address(KEY, "f" * 64, now=NOW)

    assert net.verified_operation(address_header, QUERY, KEY, now=NOW) is None


def test_client_address_is_the_gateways_when_signed() -> None:
    header = net.sign_client_address(net.request_key(), "203.0.113.5")

    assert net.client_address(request({net.CLIENT_ADDRESS_HEADER: header})) == "203.0.113.5"


@pytest.mark.parametrize(
    "headers",
    [
        {"x-forwarded-for": "203.0.113.5"},
        {net.CLIENT_ADDRESS_HEADER: "203.0.113.5"},
        {net.CLIENT_ADDRESS_HEADER: net.sign_client_address(KEY, "203.0.113.5")},
    ],
    ids=["x-forwarded-for", "unsigned", "wrong-key"],
)
def test_client_address_is_the_tcp_peer_otherwise(headers: dict[str, str]) -> None:
    assert net.client_address(request(headers)) == "10.1.2.3"


def test_client_address_without_a_peer_is_unknown() -> None:
    assert net.client_address(request({}, peer=None)) == net.UNKNOWN_ADDRESS
