"""What the bot stores about a member, an export of it, and forgetting it (see the README, "Privacy")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cogs.qa.models import Question
from cogs.search.archive import delete_messages, jump_url
from cogs.search.models import ArchivedMessage
from cogs.sessions.models import SessionAttendance, SessionFeedback, SessionReminder, SessionRsvp
from db.models import SavedQuery, UserPreference

REMOVED_TITLE = "(removed at the author's request)"


@dataclass(frozen=True)
class PrivacySummary:
    user_id: int
    questions: int
    answers: int
    messages: int
    first: datetime | None
    last: datetime | None
    has_preferences: bool
    saved_searches: int
    rsvps: int = 0
    feedback: int = 0
    attendance: int = 0

    @property
    def total(self) -> int:
        return self.questions + self.answers + self.messages


@dataclass(frozen=True)
class Forgotten:
    messages: int
    questions: int
    session_records: int = 0  # RSVPs, feedback, attendance, pending reminder DMs


async def summary(session: AsyncSession, user_id: int) -> PrivacySummary:
    rows = (await session.execute(
        select(ArchivedMessage.kind, func.count(), func.min(ArchivedMessage.created_at), func.max(ArchivedMessage.created_at))
        .where(ArchivedMessage.author_id == user_id).group_by(ArchivedMessage.kind)
    )).all()
    counts = {kind: n for kind, n, _, _ in rows}
    firsts = [f for _, _, f, _ in rows if f is not None]
    lasts = [la for _, _, _, la in rows if la is not None]
    prefs = await session.get(UserPreference, user_id)
    saved = (await session.execute(select(func.count()).select_from(SavedQuery).where(SavedQuery.owner_id == user_id))).scalar_one()
    per_session = {}
    for model in (SessionRsvp, SessionFeedback, SessionAttendance):
        per_session[model] = int((await session.execute(
            select(func.count()).select_from(model).where(model.user_id == user_id)
        )).scalar_one())
    return PrivacySummary(
        user_id, counts.get("question", 0), counts.get("answer", 0), counts.get("message", 0),
        min(firsts) if firsts else None, max(lasts) if lasts else None, prefs is not None, int(saved),
        per_session[SessionRsvp], per_session[SessionFeedback], per_session[SessionAttendance],
    )


async def export(session: AsyncSession, user_id: int) -> dict[str, Any]:
    """Everything stored about one member, as JSON-ready data."""
    messages = (await session.execute(
        select(ArchivedMessage).where(ArchivedMessage.author_id == user_id).order_by(ArchivedMessage.id)
    )).scalars().all()
    questions = (await session.execute(
        select(Question).where(Question.author_id == user_id).order_by(Question.thread_id)
    )).scalars().all()
    prefs = await session.get(UserPreference, user_id)
    return {
        "user_id": str(user_id),
        "messages": [
            {"id": str(m.id), "kind": m.kind, "channel_id": str(m.channel_id), "content": m.content,
             "created_at": m.created_at.isoformat(), "edited_at": m.edited_at.isoformat() if m.edited_at else None,
             "jump_url": jump_url(m.guild_id, m.channel_id, m.id)}
            for m in messages
        ],
        "questions": [
            {"thread_id": str(q.thread_id), "title": q.title, "country": q.country, "topic": q.topic,
             "created_at": q.created_at.isoformat(), "solved": q.solved_at is not None}
            for q in questions
        ],
        "preferences": None if prefs is None else {
            "language": prefs.language, "timezone": prefs.timezone, "dm_reminders": prefs.dm_reminders,
        },
        "session_rsvps": [
            {"session_id": r.session_id, "status": r.status, "updated_at": r.updated_at.isoformat()}
            for r in (await session.execute(select(SessionRsvp).where(SessionRsvp.user_id == user_id))).scalars()
        ],
        "session_feedback": [
            {"session_id": f.session_id, "rating": f.rating, "comment": f.comment, "created_at": f.created_at.isoformat()}
            for f in (await session.execute(select(SessionFeedback).where(SessionFeedback.user_id == user_id))).scalars()
        ],
        "session_attendance": [
            {"session_id": a.session_id, "attended": a.attended, "recorded_at": a.recorded_at.isoformat()}
            for a in (await session.execute(
                select(SessionAttendance).where(SessionAttendance.user_id == user_id))).scalars()
        ],
    }


async def forget(session: AsyncSession, user_id: int) -> Forgotten:
    """Delete the member's stored messages (and their index entries) and their question titles.

    Other members' answers in their posts stay; the post itself lives on Discord."""
    ids = (await session.execute(select(ArchivedMessage.id).where(ArchivedMessage.author_id == user_id))).scalars().all()
    removed = await delete_messages(session, ids)
    result = await session.execute(
        update(Question).where(Question.author_id == user_id).values(title=REMOVED_TITLE, author_id=0)
    )
    await session.execute(delete(SavedQuery).where(SavedQuery.owner_id == user_id))
    # Sessions: RSVPs, feedback, attendance, and reminder DMs not yet sent to this member.
    session_records = 0
    for model in (SessionRsvp, SessionFeedback, SessionAttendance):
        deleted = await session.execute(delete(model).where(model.user_id == user_id))
        session_records += int(getattr(deleted, "rowcount", 0) or 0)
    await session.execute(delete(SessionReminder).where(
        SessionReminder.target_id == user_id, SessionReminder.kind != "channel", SessionReminder.sent_at.is_(None)))
    await session.execute(delete(UserPreference).where(UserPreference.user_id == user_id))
    return Forgotten(removed, int(getattr(result, "rowcount", 0) or 0), session_records)
