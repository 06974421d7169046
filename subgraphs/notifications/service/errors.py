"""The notifications' userError codes, as domain errors (see the mutation's description)."""

from __future__ import annotations

from shared.errors import DomainError, invalid_input


def sms_needs_phone(*, clearing: bool) -> DomainError:
    if clearing:
        return invalid_input("SMS is on: turn it off before removing the phone.", "phone")
    return invalid_input("Add a phone number to turn SMS on.", "sms")
