"""Rate limits on attempts to register, to prove a password and to get a client token.

Applied before anything is looked up, with the same keys whether or not the
e-mail belongs to an account, so neither the limit nor its answer tells an
attacker which e-mails exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.ratelimit import Decision, Limit, SlidingWindowLimiter
from subgraphs.accounts.service.errors import rate_limited
from subgraphs.accounts.settings import AccountsSettings


@dataclass(frozen=True, slots=True)
class AccountLimits:
    login_per_email: Limit
    login_per_address: Limit
    register_per_email: Limit
    register_per_address: Limit
    client_token_per_address: Limit

    @classmethod
    def from_settings(cls, settings: AccountsSettings) -> AccountLimits:
        return cls(
            login_per_email=Limit(
                "login:email",
                settings.login_limit_per_email,
                settings.login_window_per_email_seconds,
            ),
            login_per_address=Limit(
                "login:address",
                settings.login_limit_per_address,
                settings.login_window_per_address_seconds,
            ),
            register_per_email=Limit(
                "register:email",
                settings.register_limit_per_email,
                settings.register_window_per_email_seconds,
            ),
            register_per_address=Limit(
                "register:address",
                settings.register_limit_per_address,
                settings.register_window_per_address_seconds,
            ),
            client_token_per_address=Limit(
                "client-token:address",
                settings.client_token_limit_per_address,
                settings.client_token_window_per_address_seconds,
            ),
        )


class Throttle:
    def __init__(self, limiter: SlidingWindowLimiter, limits: AccountLimits) -> None:
        self._limiter = limiter
        self._limits = limits

    async def password_attempt(self, email: str, client_address: str) -> Decision:
        """A login, or a signed-in user proving their password again (changing
        it or their e-mail): one budget per account, so a stolen access token
        cannot be used to guess the password faster than a login could.

        Counted before the password is checked, so parallel guesses cannot all
        get through; give the result to `password_proved` when it was right.
        """
        decision = await self._limiter.hit(
            (self._limits.login_per_email, email),
            (self._limits.login_per_address, client_address),
        )
        if not decision.allowed:
            raise rate_limited(decision.retry_after_seconds)
        return decision

    async def password_proved(self, attempt: Decision, email: str) -> None:
        """The account's budget is for wrong passwords: a right one gives its
        slot back, so the owner signing in often never locks themself out. (The
        address keeps counting: its limit is on bursts of any kind.)"""
        await self._limiter.release(attempt, (self._limits.login_per_email, email))

    async def registration(self, email: str, client_address: str) -> None:
        decision = await self._limiter.hit(
            (self._limits.register_per_email, email),
            (self._limits.register_per_address, client_address),
        )
        if not decision.allowed:
            raise rate_limited(decision.retry_after_seconds)

    async def client_token(self, client_address: str) -> None:
        decision = await self._limiter.hit((self._limits.client_token_per_address, client_address))
        if not decision.allowed:
            raise rate_limited(decision.retry_after_seconds)
