"""Input rules of the shipping commands, checked before any transaction opens."""

from __future__ import annotations

import re

from shared.validation import Checks as BaseChecks

MAX_CARRIER_LENGTH = 100
MAX_TRACKING_NUMBER_LENGTH = 64
MAX_DESCRIPTION_LENGTH = 500
# Carriers print them with letters, digits and dashes; compared without case.
TRACKING_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9-]*$")


def normalise_tracking_number(raw: str) -> str:
    return raw.strip().upper()


class Checks(BaseChecks):
    def carrier(self, raw: str) -> str:
        return self.text(raw, MAX_CARRIER_LENGTH, "carrier")

    def tracking_number(self, raw: str) -> str:
        text = self.text(raw, MAX_TRACKING_NUMBER_LENGTH, "trackingNumber")
        value = normalise_tracking_number(text)
        self.matches(
            value,
            TRACKING_NUMBER,
            "`trackingNumber` must be letters, digits and dashes, starting with a letter or digit.",
            "trackingNumber",
        )
        return value

    def description(self, raw: str | None) -> str | None:
        return self.optional_text(raw, MAX_DESCRIPTION_LENGTH, "description")
