"""A user's channel choices: e-mail on or off, SMS on or off, the phone to text."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import phonenumbers
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.validation import Checks, has_control_characters
from subgraphs.notifications import repository
from subgraphs.notifications.models import PreferencesRow
from subgraphs.notifications.service.errors import sms_needs_phone

# E.164 allows 15 digits; the rest is room for spaces, dashes and brackets.
MAX_PHONE_INPUT = 32


@dataclass(frozen=True, slots=True)
class Preferences:
    email: bool
    sms: bool
    phone: str | None

    @classmethod
    def of(cls, row: PreferencesRow | None) -> Preferences:
        if row is None:
            return DEFAULT_PREFERENCES
        return cls(email=row.email_enabled, sms=row.sms_enabled, phone=row.phone)


DEFAULT_PREFERENCES = Preferences(email=True, sms=False, phone=None)


@dataclass(frozen=True, slots=True)
class PreferenceChanges:
    """None keeps the current value; `clear_phone` removes the phone."""

    email: bool | None = None
    sms: bool | None = None
    phone: str | None = None
    clear_phone: bool = False


def e164(raw: str, checks: Checks) -> str | None:
    """The number in E.164 form (`+14155550123`), or None with a problem recorded.

    Without a country of ours to assume, a number must start with `+` and its
    country code.
    """
    text = raw.strip()
    message = "`phone` must be a phone number with its country code, such as +14155550123."
    if len(text) > MAX_PHONE_INPUT or has_control_characters(text):
        checks.fail(message, "phone")
        return None
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        checks.fail(message, "phone")
        return None
    if not phonenumbers.is_valid_number(number):
        checks.fail(message, "phone")
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class PreferenceService:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def update(self, user_id: uuid.UUID, changes: PreferenceChanges) -> Preferences:
        """Apply `changes`; INVALID_INPUT (and nothing written) for a bad phone or
        SMS turned on with no phone to text."""
        checks = Checks()
        phone = None
        if changes.phone is not None and changes.phone.strip():
            phone = e164(changes.phone, checks)
        clear_phone = changes.clear_phone or (
            changes.phone is not None and not changes.phone.strip()
        )
        checks.done()
        async with self._sessionmaker.begin() as session:
            row = await repository.lock_preferences(session, user_id)
            new_phone = None if clear_phone else (phone or row.phone)
            new_sms = row.sms_enabled if changes.sms is None else changes.sms
            if new_sms and new_phone is None:
                # Raised inside the transaction: the default row it may have
                # created is rolled back with it.
                raise sms_needs_phone(clearing=clear_phone)
            row.email_enabled = row.email_enabled if changes.email is None else changes.email
            row.sms_enabled = new_sms
            row.phone = new_phone
            await session.flush()
            return Preferences.of(row)
