"""Input rules of the accounts service. Each check adds to a list of problems,
so one answer reports every invalid field at once."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared import validation
from shared.validation import has_control_characters
from subgraphs.accounts import passwords

MAX_EMAIL_LENGTH = 320
MAX_NAME_LENGTH = 200
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]{4,32}$")
_POSTAL_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]*$")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def plausible_email(email: str) -> bool:
    """Could this (normalised) e-mail belong to an account at all?"""
    local, at, domain = email.partition("@")
    return bool(
        at
        and local
        and "." in domain.strip(".")
        and "@" not in domain
        and " " not in email
        and len(email) <= MAX_EMAIL_LENGTH
        and not has_control_characters(email)
    )


class Checks(validation.Checks):
    """The shared checks, and e-mails and passwords."""

    def email(self, email: str, *path: str) -> str:
        normalised = normalise_email(email)
        if not plausible_email(normalised):
            self.fail("Enter a valid e-mail address.", *(path or ("email",)))
        return normalised

    def password(self, password: str, *path: str) -> str:
        if not passwords.MIN_LENGTH <= len(password) <= passwords.MAX_LENGTH:
            self.fail(
                f"The password must be {passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} "
                "characters.",
                *(path or ("password",)),
            )
        return password


@dataclass(frozen=True, slots=True)
class AddressData:
    full_name: str
    line1: str
    line2: str | None
    city: str
    region: str | None
    postal_code: str
    country: str
    phone: str | None
    is_default: bool


def checked_address(
    *,
    full_name: str,
    line1: str,
    line2: str | None,
    city: str,
    region: str | None,
    postal_code: str,
    country: str,
    phone: str | None,
    is_default: bool,
) -> AddressData:
    """The address trimmed and normalised (country upper-cased), or ValidationFailed."""
    checks = Checks()
    data = AddressData(
        full_name=checks.text(full_name, 200, "fullName"),
        line1=checks.text(line1, 200, "line1"),
        line2=checks.optional_text(line2, 200, "line2"),
        city=checks.text(city, 100, "city"),
        region=checks.optional_text(region, 100, "region"),
        postal_code=checks.text(postal_code, 20, "postalCode"),
        country=country.strip().upper(),
        phone=checks.optional_text(phone, 32, "phone"),
        is_default=is_default,
    )
    checks.matches(
        data.postal_code,
        _POSTAL_CODE,
        "`postalCode` may hold letters, digits, spaces and hyphens.",
        "postalCode",
    )
    checks.matches(
        data.country,
        _COUNTRY,
        "`country` must be an ISO 3166-1 alpha-2 code such as US or DE.",
        "country",
    )
    checks.matches(
        data.phone,
        _PHONE,
        "`phone` may hold digits, spaces and + ( ) . / - (4 to 32 characters).",
        "phone",
    )
    checks.done()
    return data
