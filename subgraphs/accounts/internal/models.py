"""Response bodies of the accounts' internal API (in its OpenAPI document)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

from subgraphs.accounts.models import AddressRow


class AddressSnapshot(BaseModel):
    """One of a user's addresses as it stands, for an order to copy."""

    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID
    full_name: str
    line1: str
    line2: str | None
    city: str
    region: str | None
    postal_code: str
    country: str
    phone: str | None

    @classmethod
    def from_row(cls, row: AddressRow) -> AddressSnapshot:
        return cls(
            id=row.id,
            full_name=row.full_name,
            line1=row.line1,
            line2=row.line2,
            city=row.city,
            region=row.region,
            postal_code=row.postal_code,
            country=row.country,
            phone=row.phone,
        )
