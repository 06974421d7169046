"""MINISHOP_ENV=production refuses the development shortcuts (settings build fails)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.settings import DEV_ADMIN_PASSWORD, DEV_INTERNAL_SECRET, PlatformSettings

SAFE = {
    "MINISHOP_ENV": "production",
    "MINISHOP_ADMIN_PASSWORD": "a long production admin password",
    "MINISHOP_INTERNAL_SECRET": "x" * 48,
}


def build(monkeypatch: pytest.MonkeyPatch, **overrides: str) -> PlatformSettings:
    for name in ("MINISHOP_RATE_LIMITS", *SAFE):
        monkeypatch.delenv(name, raising=False)
    for name, value in {**SAFE, **overrides}.items():
        monkeypatch.setenv(name, value)
    return PlatformSettings()


def test_production_with_real_secrets_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = build(monkeypatch)

    assert settings.rate_limits_enabled


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("MINISHOP_RATE_LIMITS", "off", "MINISHOP_RATE_LIMITS=off is refused"),
        ("MINISHOP_ADMIN_PASSWORD", DEV_ADMIN_PASSWORD, "MINISHOP_ADMIN_PASSWORD"),
        ("MINISHOP_INTERNAL_SECRET", DEV_INTERNAL_SECRET, "MINISHOP_INTERNAL_SECRET"),
        ("MINISHOP_INTERNAL_SECRET", "short-secret", "at least 32 characters"),
    ],
)
def test_production_refuses_development_shortcuts(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        build(monkeypatch, **{variable: value})


@pytest.mark.parametrize("env", ["development", "test"])
def test_outside_production_the_shortcuts_are_allowed(
    monkeypatch: pytest.MonkeyPatch, env: str
) -> None:
    settings = build(
        monkeypatch,
        MINISHOP_ENV=env,
        MINISHOP_RATE_LIMITS="off",
        MINISHOP_ADMIN_PASSWORD=DEV_ADMIN_PASSWORD,
        MINISHOP_INTERNAL_SECRET=DEV_INTERNAL_SECRET,
    )

    assert not settings.rate_limits_enabled
