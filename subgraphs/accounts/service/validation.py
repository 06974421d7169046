"""Input rules of the accounts service. Each check adds to a list of problems,
so one answer reports every invalid field at once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shared.errors import DomainError, ValidationFailed, invalid_input
from subgraphs.accounts import passwords

MAX_EMAIL_LENGTH = 320
MAX_NAME_LENGTH = 200
# Control characters (NUL above all, which Postgres refuses in text) have no
# place in names, e-mails or addresses.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
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
        and not _CONTROL.search(email)
    )


@dataclass
class Checks:
    """Collects problems; `done()` raises them together."""

    problems: list[DomainError] = field(default_factory=list)

    def fail(self, message: str, *path: str) -> None:
        self.problems.append(invalid_input(message, *path))

    def done(self) -> None:
        if self.problems:
            raise ValidationFailed(self.problems)

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

    def text(self, value: str, max_length: int, *path: str) -> str:
        """A required line of text, trimmed: 1 to `max_length` characters."""
        cleaned = value.strip()
        if not cleaned or len(cleaned) > max_length or _CONTROL.search(cleaned):
            self.fail(
                f"`{path[-1]}` must be 1 to {max_length} characters, without control characters.",
                *path,
            )
        return cleaned

    def optional_text(self, value: str | None, max_length: int, *path: str) -> str | None:
        """Trimmed; blank becomes None."""
        if value is None or not value.strip():
            return None
        return self.text(value, max_length, *path)

    def matches(
        self, value: str | None, pattern: re.Pattern[str], message: str, *path: str
    ) -> None:
        """A format rule, checked only where the value passed the rules before it."""
        already = any(problem.field == list(path) for problem in self.problems)
        if value is not None and not already and not pattern.match(value):
            self.fail(message, *path)


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
