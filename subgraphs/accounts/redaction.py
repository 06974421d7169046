"""Keeps credentials out of the accounts service's log lines.

The code here never logs a password, token or secret, but graphql-core quotes
a variable's whole value when it cannot coerce it (an input object missing a
field, say), and that message is logged: a malformed `register` would write
its password into the log. This filter, on the service's log handlers, blanks
the values of credential fields and anything shaped like a JWT in every record
before it is written, tracebacks included.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

REDACTED = "[redacted]"
CREDENTIAL_FIELDS = (
    "password",
    "currentPassword",
    "newPassword",
    "refreshToken",
    "accessToken",
    "clientSecret",
)
# `'password': 'x'`, `"password": "x"` or `password: "x"`, as graphql-core,
# Python and JSON print them; the value may hold escaped quotes.
_FIELDS = "|".join(CREDENTIAL_FIELDS)
_FIELD_VALUE = re.compile(
    rf"""(?P<key>['"]?\b(?:{_FIELDS})\b['"]?\s*:\s*)"""
    r"""(?P<quote>['"])(?:\\.|(?!(?P=quote)).)*(?P=quote)""",
    re.DOTALL,
)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


def redact(text: str) -> str:
    text = _FIELD_VALUE.sub(lambda match: f"{match['key']}{REDACTED!r}", text)
    return _JWT.sub(REDACTED, text)


class CredentialRedaction(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[0] is not None:
            # Formatted once here, redacted, and kept as text: formatters use
            # `exc_text` when there is no `exc_info` left to format.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


@contextmanager
def redacting_logs() -> Iterator[None]:
    """Install the filter on the root logger's handlers for the app's lifetime."""
    redaction = CredentialRedaction()
    handlers = list(logging.getLogger().handlers)
    for handler in handlers:
        handler.addFilter(redaction)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(redaction)
