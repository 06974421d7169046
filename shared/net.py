"""What the gateway vouches for, and how a subgraph checks it.

The gateway decides the client's address at its one trusted hop (the TCP peer,
or `X-Forwarded-For` only from a peer in MINISHOP_TRUSTED_PROXIES) and, for a
registered operation, which manifest entry the request runs. It passes both on
in headers of its own, each signed with a key derived from the deployment's
MINISHOP_INTERNAL_SECRET (router/gateway.config.ts makes them):

    x-minishop-client-address: 203.0.113.5; t=1767225600; sig=<base64url HMAC-SHA256>
    x-minishop-operation: <manifest id>; t=1767225600; sig=<base64url HMAC-SHA256>

The address signature covers the address and the time; the operation's also
covers the SHA-256 of the very document the gateway sent this subgraph, so a
signed header cannot be moved onto another document. A caller that reaches a
subgraph directly cannot sign, so its `X-Forwarded-For` or forged headers
change nothing: the subgraph then sees only the TCP peer and no operation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import time
from dataclasses import dataclass
from functools import cache
from typing import Final

from starlette.requests import Request

from shared.settings import platform_settings

CLIENT_ADDRESS_HEADER: Final = "x-minishop-client-address"
OPERATION_HEADER: Final = "x-minishop-operation"
# Gateway and subgraph clocks may differ a little; a header is good for this long.
MAX_AGE_SECONDS: Final = 60
# The key signs nothing else: derived, so it is never the service-token secret itself.
_KEY_LABEL: Final = b"minishop gateway headers v1"
_MAX_HEADER_LENGTH: Final = 256
_MANIFEST_ID_LENGTH: Final = 64
UNKNOWN_ADDRESS: Final = "unknown"


def gateway_key(internal_secret: str) -> bytes:
    return hmac.new(internal_secret.encode(), _KEY_LABEL, hashlib.sha256).digest()


@cache
def _platform_key(internal_secret: str) -> bytes:
    return gateway_key(internal_secret)


def _signature(key: bytes, *parts: str) -> str:
    mac = hmac.new(key, "\n".join(parts).encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def _now() -> int:
    return int(time.time())


@dataclass(frozen=True, slots=True)
class _Signed:
    value: str
    issued: int
    signature: str


def _parse(header: str | None) -> _Signed | None:
    if not header or len(header) > _MAX_HEADER_LENGTH:
        return None
    value, _, rest = header.partition(";")
    fields = dict(part.strip().partition("=")[::2] for part in rest.split(";"))
    issued, signature = fields.get("t", ""), fields.get("sig", "")
    if not issued.isdigit() or not signature:
        return None
    return _Signed(value.strip(), int(issued), signature)


def _verified(signed: _Signed | None, key: bytes, kind: str, *extra: str, now: int) -> bool:
    if signed is None or abs(now - signed.issued) > MAX_AGE_SECONDS:
        return False
    expected = _signature(key, kind, str(signed.issued), signed.value, *extra)
    return hmac.compare_digest(expected, signed.signature)


def sign_client_address(key: bytes, address: str, *, now: int | None = None) -> str:
    """The header value the gateway sends (here for tests and other Python callers)."""
    issued = str(_now() if now is None else now)
    return f"{address}; t={issued}; sig={_signature(key, 'client-address', issued, address)}"


def sign_operation(key: bytes, operation_id: str, document: str, *, now: int | None = None) -> str:
    issued = str(_now() if now is None else now)
    digest = hashlib.sha256(document.encode()).hexdigest()
    signature = _signature(key, "operation", issued, operation_id, digest)
    return f"{operation_id}; t={issued}; sig={signature}"


def verified_client_address(
    header: str | None, key: bytes, *, now: int | None = None
) -> str | None:
    """The address the gateway signed, or None if the header is absent, stale or forged."""
    signed = _parse(header)
    if not _verified(signed, key, "client-address", now=_now() if now is None else now):
        return None
    assert signed is not None
    try:
        return str(ipaddress.ip_address(signed.value))
    except ValueError:
        return None


def verified_operation(
    header: str | None, document: str, key: bytes, *, now: int | None = None
) -> str | None:
    """The manifest id the gateway signed for exactly `document`, else None."""
    signed = _parse(header)
    digest = hashlib.sha256(document.encode()).hexdigest()
    if not _verified(signed, key, "operation", digest, now=_now() if now is None else now):
        return None
    assert signed is not None
    if len(signed.value) != _MANIFEST_ID_LENGTH:
        return None
    return signed.value


def request_key() -> bytes:
    """This deployment's gateway key (from MINISHOP_INTERNAL_SECRET)."""
    return _platform_key(platform_settings().internal_secret)


def client_address(request: Request) -> str:
    """The caller's address: the one the gateway signed, else the TCP peer.

    Never `X-Forwarded-For`: anyone who reaches a subgraph can write that.
    """
    vouched = verified_client_address(request.headers.get(CLIENT_ADDRESS_HEADER), request_key())
    if vouched is not None:
        return vouched
    return request.client.host if request.client else UNKNOWN_ADDRESS
