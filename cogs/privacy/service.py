"""What the bot stores about a member, a copy of it, and forgetting it (see the README, "Privacy").

Each capability declares what it keeps in a ``PrivacyHook`` of its record; this service only
walks the hooks, so a new capability's data is covered the moment its record has a hook. The
tables shared by every capability (preferences, page-button state) are this capability's own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.capability import Capability, PrivacyHook, PrivacyLine
from bot.catalogues import _
from cogs.privacy.publish import publishing, web_names
from db.engine import Database
from db.models import OutboxDelivery, SavedQuery, UserPreference


@dataclass(frozen=True)
class PrivacySummary:
    user_id: int
    lines: tuple[PrivacyLine, ...]  # only kinds with at least one record
    published: bool = False  # /privacy publish: the member's Q&A messages are on the public web site

    @property
    def total(self) -> int:
        return sum(line.count for line in self.lines)

    @property
    def first(self) -> datetime | None:
        return min((line.first for line in self.lines if line.first), default=None)

    @property
    def last(self) -> datetime | None:
        return max((line.last for line in self.lines if line.last), default=None)


@dataclass(frozen=True)
class Forgotten:
    per_capability: tuple[tuple[str, int], ...]  # (capability name, records deleted or anonymised)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.per_capability)


class PrivacyService:
    def __init__(self, capabilities: Sequence[Capability]):
        self.hooks: tuple[tuple[str, PrivacyHook], ...] = tuple(
            (c.name, c.privacy) for c in capabilities if c.privacy is not None)

    async def summary(self, session: AsyncSession, user_id: int) -> PrivacySummary:
        lines: list[PrivacyLine] = []
        for _name, hook in self.hooks:
            lines.extend(line for line in await hook.show(session, user_id) if line.count)
        return PrivacySummary(user_id, tuple(lines), (await publishing(session, user_id)).on)

    async def export(self, session: AsyncSession, user_id: int) -> dict[str, Any]:
        """Everything stored about one member, as JSON-ready data (one key per kind of record)."""
        data: dict[str, Any] = {"user_id": str(user_id)}
        for name, hook in self.hooks:
            part = await hook.export(session, user_id)
            clash = data.keys() & part.keys()
            assert not clash, f"privacy export keys of {name} clash: {sorted(clash)}"
            data.update(part)
        return data

    async def forget(self, session: AsyncSession, user_id: int) -> Forgotten:
        return Forgotten(tuple([(name, await hook.forget(session, user_id)) for name, hook in self.hooks]))

    async def after_forget(self, db: Database) -> None:
        for _name, hook in self.hooks:
            if hook.after_forget is not None:
                await hook.after_forget(db)


# ---------------------------------------------------------------- the shared tables' own hook
async def _show_shared(session: AsyncSession, user_id: int) -> list[PrivacyLine]:
    prefs = await session.get(UserPreference, user_id)
    saved = (await session.execute(
        select(func.count()).select_from(SavedQuery).where(SavedQuery.owner_id == user_id))).scalar_one()
    dms = (await session.execute(
        select(func.count()).select_from(OutboxDelivery).where(OutboxDelivery.user_id == user_id))).scalar_one()
    named = await web_names(session, [user_id])
    return [PrivacyLine(_("language / time zone / reminder preferences, and your Discord language for DMs"),
                        1 if prefs else 0),
            PrivacyLine(_("saved searches and question drafts behind buttons"), int(saved)),
            PrivacyLine(_("direct messages the bot sent or will send you"), int(dms)),
            PrivacyLine(_("your name as the public web site shows it (/privacy publish)"), len(named))]


async def _export_shared(session: AsyncSession, user_id: int) -> dict[str, Any]:
    prefs = await session.get(UserPreference, user_id)
    # Saved queries hold what the member typed: search words, and the title and text of a
    # question kept while they fix its country or look at similar questions.
    saved = (await session.scalars(
        select(SavedQuery).where(SavedQuery.owner_id == user_id).order_by(SavedQuery.id))).all()
    published = await publishing(session, user_id)
    return {
        "preferences": None if prefs is None else {
            "language": prefs.language, "timezone": prefs.timezone, "dm_reminders": prefs.dm_reminders,
            "discord_locale": prefs.discord_locale,
        },
        # /privacy publish: whether your Q&A messages are on the public web site, and the name shown there
        "publish_web": {"on": published.on, "name": published.name},
        "saved_queries": [{"kind": q.kind, "params": q.params, "created_at": q.created_at.isoformat()}
                          for q in saved],
    }


async def _forget_shared(session: AsyncSession, user_id: int) -> int:
    removed = 0
    for stmt in (delete(SavedQuery).where(SavedQuery.owner_id == user_id),
                 delete(UserPreference).where(UserPreference.user_id == user_id),
                 # DMs not yet sent are not sent; the record of those sent goes too
                 delete(OutboxDelivery).where(OutboxDelivery.user_id == user_id)):
        removed += int(getattr(await session.execute(stmt), "rowcount", 0) or 0)
    return removed


SHARED_HOOK = PrivacyHook(
    columns=[("user_preferences", "user_id"), ("saved_queries", "owner_id"), ("outbox", "user_id")],
    show=_show_shared, export=_export_shared, forget=_forget_shared,
)
