"""Per-member preferences (language, time zone, reminder DMs)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import UserPreference


@dataclass(frozen=True)
class Preferences:
    user_id: int
    language: str | None = None
    timezone: str | None = None
    dm_reminders: bool = True
    discord_locale: str | None = None


async def get_preferences(session: AsyncSession, user_id: int) -> Preferences:
    row = await session.get(UserPreference, user_id)
    if row is None:
        return Preferences(user_id)
    return Preferences(user_id, row.language, row.timezone, row.dm_reminders, row.discord_locale)


async def update_preferences(session: AsyncSession, user_id: int, **changes: object) -> Preferences:
    row = await session.get(UserPreference, user_id)
    if row is None:
        row = UserPreference(user_id=user_id)
        session.add(row)
    for key, value in changes.items():
        if not hasattr(UserPreference, key):
            raise AttributeError(key)
        setattr(row, key, value)
    await session.flush()
    return Preferences(user_id, row.language, row.timezone, row.dm_reminders, row.discord_locale)
