"""Tables of member profiles: who a member is in the community (opt-in), what they know, the
languages they speak, and the questions routed to them as a peer who knows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from db.models import AutoId, Base, Snowflake, utcnow

# The organisation types of /profile set: the ILO's constituents and the SSE's own organisations.
ORG_TYPES: tuple[str, ...] = (
    "government", "workers", "employers", "cooperative", "social_enterprise", "association",
    "academia", "international", "other",
)


class MemberProfile(Base):
    """A member's profile: everything in it is what the member chose to share with other members."""

    __tablename__ = "member_profiles"
    # the directory's order (newest update first): a page is read off the index, not sorted
    __table_args__ = (Index("ix_member_profiles_directory_order", "updated_at", "user_id"),)

    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    country: Mapped[str | None] = mapped_column(String(8), index=True)  # a programme country's code
    org_type: Mapped[str] = mapped_column(String(32), index=True)  # one of ORG_TYPES
    org_name: Mapped[str | None] = mapped_column(String(100))
    bio: Mapped[str | None] = mapped_column(String(300))
    happy_to_be_asked: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MemberProfileTopic(Base):
    """One expertise topic (from ``qa.topics``) of a profile."""

    __tablename__ = "member_profile_topics"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("member_profiles.user_id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    topic: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class MemberProfileLanguage(Base):
    """One language (a catalogue code such as ``th`` or ``en``) a profile says the member speaks."""

    __tablename__ = "member_profile_languages"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("member_profiles.user_id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    language: Mapped[str] = mapped_column(String(16), primary_key=True, index=True)


class PeerRequest(Base):
    """An unanswered question sent to one peer who knows its topic: the weekly cap per member is
    counted from these rows, and the unique pair keeps two instances from asking anyone twice."""

    __tablename__ = "qa_peer_requests"
    __table_args__ = (
        UniqueConstraint("question_id", "peer_user_id", name="uq_qa_peer_requests_pair"),
        Index("ix_qa_peer_requests_peer_sent", "peer_user_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    question_id: Mapped[int] = mapped_column(Snowflake, index=True)  # qa_questions.thread_id
    peer_user_id: Mapped[int] = mapped_column(Snowflake)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
