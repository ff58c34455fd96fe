"""/privacy publish: a member's consent to have their Q&A messages on the public web site.

Nothing from Discord reaches the web site unless its author said yes here. The consent is
``user_preferences.publish_web`` (off by default); the name the site shows for a member who said
yes is the display name they had when they turned it on (the web site has no Discord connection
to ask), ``user_preferences.web_name``, shown, exported and forgotten with the member's other
preferences. Turning publishing off clears both,
and every public page is computed from these rows on each request: the member's pages are gone
from the next request on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from bot.text import clean
from db.models import UserPreference
from db.preferences import update_preferences

MAX_WEB_NAME = 80  # Discord display names are at most 32 characters; room for nicknames in any script


@dataclass(frozen=True)
class Publishing:
    user_id: int
    on: bool
    name: str | None  # the name shown on the web site (None when off)


def published_members() -> Select[Any]:
    """The ids of the members who consent to publishing, as a subquery for ``IN (...)``."""
    return select(UserPreference.user_id).where(UserPreference.publish_web == true())


async def published_among(session: AsyncSession, user_ids: Sequence[int]) -> set[int]:
    """Which of these members consent to publishing."""
    if not user_ids:
        return set()
    rows = await session.execute(select(UserPreference.user_id).where(
        UserPreference.publish_web == true(), UserPreference.user_id.in_(sorted(set(user_ids)))))
    return {int(uid) for uid in rows.scalars()}


async def publishing(session: AsyncSession, user_id: int) -> Publishing:
    prefs = await session.get(UserPreference, user_id)
    on = bool(prefs and prefs.publish_web)
    names = await web_names(session, [user_id]) if on else {}
    return Publishing(user_id, on, names.get(user_id))


async def set_publishing(session: AsyncSession, user_id: int, on: bool, display_name: str | None = None) -> Publishing:
    """Turn publishing on (with the name to show) or off (the name goes too)."""
    name = (clean(display_name)[:MAX_WEB_NAME] or None) if on and display_name else None
    prefs = await session.get(UserPreference, user_id)
    if on or prefs is not None:  # "off" for a member with no preferences stores nothing
        await update_preferences(session, user_id, publish_web=on, web_name=name)
    return Publishing(user_id, on, name)


async def web_names(session: AsyncSession, user_ids: list[int]) -> dict[int, str]:
    """The web site's names of those of these members who consent to publishing."""
    if not user_ids:
        return {}
    rows = await session.execute(
        select(UserPreference.user_id, UserPreference.web_name)
        .where(UserPreference.user_id.in_(sorted(set(user_ids))), UserPreference.publish_web == true(),
               UserPreference.web_name.is_not(None)))
    out: dict[int, str] = {}
    for owner, stored in rows:
        name = clean(stored or "")[:MAX_WEB_NAME]
        if name:
            out[int(owner)] = name
    return out
