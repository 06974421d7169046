"""Inputs of the accounts mutations (names as the public contract spells them)."""

from __future__ import annotations

import strawberry


@strawberry.input
class RegisterInput:
    email: str = strawberry.field(description="Stored trimmed and lower-cased; unique.")
    password: str = strawberry.field(description="8 to 128 characters.")
    name: str


@strawberry.input
class LoginInput:
    email: str
    password: str


@strawberry.input(description="Fields to change; those left out or null stay as they are.")
class UpdateProfileInput:
    name: str | None = None
    email: str | None = strawberry.field(
        default=None, description="A new sign-in e-mail; needs `currentPassword`."
    )
    current_password: str | None = strawberry.field(
        default=None, description="Required when `email` changes."
    )


@strawberry.input
class ChangePasswordInput:
    current_password: str
    new_password: str = strawberry.field(description="8 to 128 characters.")


@strawberry.input
class AddressInput:
    full_name: str
    line1: str
    line2: str | None = None
    city: str
    region: str | None = None
    postal_code: str
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 code, e.g. US or DE.")
    phone: str | None = None
    is_default: bool | None = strawberry.field(
        default=False,
        description="true makes this the default address. The first address is the default "
        "anyway, and false never leaves the user without one.",
    )


@strawberry.input
class ApiClientInput:
    name: str
    scopes: list[str] = strawberry.field(description="e.g. catalog:read, shipping:read")
