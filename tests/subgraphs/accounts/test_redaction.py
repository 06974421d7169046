"""The log filter blanks credential values in the shapes libraries print them."""

from __future__ import annotations

import logging

from subgraphs.accounts.redaction import CredentialRedaction, redact


def test_redact_blanks_credential_fields_in_python_json_and_graphql_shapes() -> None:
    text = (
        "found: {'email': 'a@b.co', 'password': 'it\\'s me', 'newPassword': \"n\"} "
        '{"refreshToken": "r1", "clientSecret": "s1"} { currentPassword: "c1" }'
    )
    # Every secret's whole value goes, whatever its quotes; the e-mail stays.
    assert redact(text) == (
        "found: {'email': 'a@b.co', 'password': '[redacted]', 'newPassword': '[redacted]'} "
        "{\"refreshToken\": '[redacted]', \"clientSecret\": '[redacted]'} "
        "{ currentPassword: '[redacted]' }"
    )


def test_redact_blanks_anything_shaped_like_a_jwt() -> None:
    assert redact("bearer eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl done") == "bearer [redacted] done"


def test_the_filter_redacts_message_arguments_and_tracebacks() -> None:
    try:
        raise ValueError("{'password': 'hunter22'}")
    except ValueError as error:
        record = logging.LogRecord(
            "x",
            logging.ERROR,
            __file__,
            1,
            "got %s",
            ({"password": "hunter22"},),
            (
                type(error),
                error,
                error.__traceback__,
            ),
        )
    assert CredentialRedaction().filter(record)
    formatted = logging.Formatter().format(record)
    assert "hunter22" not in formatted
    assert "ValueError" in formatted and "[redacted]" in formatted
