"""SQL on refresh tokens: issue, find-and-lock for rotation, revoke."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.accounts.models import RefreshTokenRow


async def insert_refresh_token(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    family_id: uuid.UUID,
    token_hash: str,
    expires_at: datetime,
) -> None:
    session.add(
        RefreshTokenRow(
            user_id=user_id, family_id=family_id, token_hash=token_hash, expires_at=expires_at
        )
    )
    await session.flush()


async def lock_refresh_token(session: AsyncSession, token_hash: str) -> RefreshTokenRow | None:
    """The token's row, locked: of two requests presenting the same token, the
    second waits here and then sees what the first did to it."""
    return await session.scalar(
        select(RefreshTokenRow).where(RefreshTokenRow.token_hash == token_hash).with_for_update()
    )


async def revoke_family(session: AsyncSession, family_id: uuid.UUID, now: datetime) -> int:
    result = await session.execute(
        update(RefreshTokenRow)
        .where(RefreshTokenRow.family_id == family_id, RefreshTokenRow.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def revoke_user_tokens(
    session: AsyncSession,
    user_id: uuid.UUID,
    now: datetime,
    *,
    keep_family: uuid.UUID | None = None,
) -> int:
    """Revoke every live refresh token of the user, except those of `keep_family`."""
    conditions = [RefreshTokenRow.user_id == user_id, RefreshTokenRow.revoked_at.is_(None)]
    if keep_family is not None:
        conditions.append(RefreshTokenRow.family_id != keep_family)
    result = await session.execute(
        update(RefreshTokenRow).where(*conditions).values(revoked_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
