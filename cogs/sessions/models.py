"""Tables of capacity-building sessions: series, occurrences, RSVPs, reminders, feedback, attendance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models import AutoId, Base, Snowflake, utcnow


class TrainingSeries(Base):
    """A recurring programme: occurrences are TrainingSession rows pointing here."""

    __tablename__ = "training_series"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    frequency: Mapped[str] = mapped_column(String(16))  # weekly | biweekly | monthly
    count: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    first_start_utc: Mapped[datetime] = mapped_column()
    created_by: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TrainingSession(Base):
    """A capacity-building session (webinar, workshop...); ``session`` always means the DB session."""

    __tablename__ = "training_sessions"
    __table_args__ = (Index("ix_training_sessions_start", "status", "start_utc"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("training_series.id", ondelete="CASCADE"), index=True)
    occurrence: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    start_utc: Mapped[datetime] = mapped_column()
    end_utc: Mapped[datetime] = mapped_column()
    # the slot the series pattern gave this occurrence (iCalendar RECURRENCE-ID)
    original_start_utc: Mapped[datetime] = mapped_column()
    timezone: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(32))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    join_url: Mapped[str | None] = mapped_column(String(500))
    capacity: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="scheduled")  # scheduled | cancelled
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # iCalendar SEQUENCE: bumped on every change
    time_revision: Mapped[int] = mapped_column(Integer, default=0)  # bumped when the start moves
    channel_id: Mapped[int | None] = mapped_column(Snowflake)
    message_id: Mapped[int | None] = mapped_column(Snowflake)
    event_id: Mapped[int | None] = mapped_column(Snowflake)
    recording_url: Mapped[str | None] = mapped_column(String(500))
    slides_url: Mapped[str | None] = mapped_column(String(500))
    # when each material was first added (/session materials): the report counts materials by these
    recording_added_at: Mapped[datetime | None] = mapped_column()
    slides_added_at: Mapped[datetime | None] = mapped_column()
    created_by: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SessionRsvp(Base):
    __tablename__ = "session_rsvps"
    __table_args__ = (UniqueConstraint("session_id", "user_id", name="uq_session_rsvps_member"),
                      # the report's "did this member RSVP in that month?" (cogs/profiles/report.py)
                      Index("ix_session_rsvps_user_updated", "user_id", "updated_at"))

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(Snowflake)
    status: Mapped[str] = mapped_column(String(16))  # going | interested | declined
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SessionReminder(Base):
    """One planned reminder per (session, offset, kind, time revision). When due it is handed to
    the outbox (channel post and members' DMs) in the same transaction that marks it sent."""

    __tablename__ = "session_reminders"
    __table_args__ = (
        UniqueConstraint("session_id", "offset_minutes", "kind", "revision", name="uq_session_reminders"),
        Index("ix_session_reminders_pending", "sent_at", "skipped_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    offset_minutes: Mapped[int] = mapped_column(Integer)  # before the start; negative = after it
    kind: Mapped[str] = mapped_column(String(16))  # channel | followup
    revision: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()
    skipped_at: Mapped[datetime | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(String(200))


class SessionFeedback(Base):
    __tablename__ = "session_feedback"
    __table_args__ = (UniqueConstraint("session_id", "user_id", name="uq_session_feedback_member"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(Snowflake)
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SessionAttendance(Base):
    __tablename__ = "session_attendance"
    __table_args__ = (UniqueConstraint("session_id", "user_id", name="uq_session_attendance_member"),
                      # the report's "did this member attend a session of that month?"
                      Index("ix_session_attendance_user", "user_id", "session_id"))

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(Snowflake)
    attended: Mapped[bool] = mapped_column(default=True)
    recorded_by: Mapped[int] = mapped_column(Snowflake)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SessionWaitlist(Base):
    """A member waiting for a place in a full session; ``id`` order is the waitlist order (rows are
    added under the session row's lock, PostgreSQL, or SQLite's single writer)."""

    __tablename__ = "session_waitlist"
    __table_args__ = (UniqueConstraint("session_id", "user_id", name="uq_session_waitlist_member"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(Snowflake)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class CalendarFeedToken(Base):
    """The secret in a member's personal calendar feed URL (``/session feed``). Only its SHA-256
    (``token_hash``, hex) is stored: a request is looked up by the hash, then compared in constant
    time (cogs/sessions/feeds.py). The link is shown once; ``token`` stays empty (the secret itself is
    never stored). Replacing or deleting the row (``/session feed reset``, forget) revokes the feed at once."""

    __tablename__ = "calendar_feed_tokens"
    __table_args__ = (Index("ix_calendar_feed_tokens_hash", "token_hash", unique=True),)

    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
