"""The search capability's privacy hook: a member's stored messages, a copy of them, and
forgetting them so that the text is gone from the database file too."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.capability import PrivacyHook, PrivacyLine
from bot.catalogues import N_, _
from cogs.search.archive import delete_messages, jump_url
from cogs.search.models import ArchivedMessage
from db import search
from db.engine import Database

log = logging.getLogger(__name__)


MESSAGE_LABELS = {"question": N_("questions in the Q&A forum"), "answer": N_("answers or replies in Q&A posts"),
                  "message": N_("messages in channels opted in to the archive")}


async def privacy_show(session: AsyncSession, user_id: int) -> list[PrivacyLine]:
    rows = (await session.execute(
        select(ArchivedMessage.kind, func.count(), func.min(ArchivedMessage.created_at),
               func.max(ArchivedMessage.created_at))
        .where(ArchivedMessage.author_id == user_id).group_by(ArchivedMessage.kind)
    )).all()
    by_kind = {kind: (n, first, last) for kind, n, first, last in rows}
    return [PrivacyLine(_(label), *by_kind[kind]) for kind, label in MESSAGE_LABELS.items() if kind in by_kind]


async def privacy_export(session: AsyncSession, user_id: int) -> dict[str, Any]:
    messages = (await session.execute(
        select(ArchivedMessage).where(ArchivedMessage.author_id == user_id).order_by(ArchivedMessage.id)
    )).scalars().all()
    return {"messages": [
        {"id": str(m.id), "kind": m.kind, "channel_id": str(m.channel_id), "content": m.content,
         "created_at": m.created_at.isoformat(), "edited_at": m.edited_at.isoformat() if m.edited_at else None,
         "jump_url": jump_url(m.guild_id, m.channel_id, m.id)}
        for m in messages
    ]}


async def privacy_forget(session: AsyncSession, user_id: int) -> int:
    ids = (await session.execute(select(ArchivedMessage.id).where(ArchivedMessage.author_id == user_id))).scalars()
    # purge: a member who asked to be forgotten expects the text gone, not only hidden from search
    return await delete_messages(session, list(ids), purge=True)


async def privacy_after_forget(db: Database) -> None:
    if not await search.vacuum(db.engine):
        # Another connection was reading: the log keeps older copies of the freed pages until the
        # next checkpoint empties it (SQLite checkpoints on its own as the log grows).
        log.warning("after a forget the database's write-ahead log could not be emptied (a reader was busy); "
                    "the deleted text leaves the -wal file at the next checkpoint")


PRIVACY = PrivacyHook(columns=[("archive_messages", "author_id")], show=privacy_show, export=privacy_export,
                      forget=privacy_forget, after_forget=privacy_after_forget)
