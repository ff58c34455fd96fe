"""/privacy for profiles: what a member's profile holds, a copy of it, and forgetting it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.capability import PrivacyHook, PrivacyLine
from bot.catalogues import _
from cogs.profiles.models import MemberProfile, MemberProfileLanguage, MemberProfileTopic, PeerRequest


async def privacy_show(session: AsyncSession, user_id: int) -> list[PrivacyLine]:
    lines = []
    profile = await session.get(MemberProfile, user_id)
    if profile is not None:
        lines.append(PrivacyLine(_("member profile (country, organisation, topics, languages, bio)"), 1,
                                 profile.created_at, profile.updated_at))
    asked = (await session.execute(select(func.count(), func.min(PeerRequest.sent_at), func.max(PeerRequest.sent_at))
                                   .where(PeerRequest.peer_user_id == user_id))).one()
    if asked[0]:
        lines.append(PrivacyLine(_("questions sent to you as a peer who knows the topic"), int(asked[0]),
                                 asked[1], asked[2]))
    return lines


async def privacy_export(session: AsyncSession, user_id: int) -> dict[str, Any]:
    profile = await session.get(MemberProfile, user_id)
    out: dict[str, Any] = {"profile": None}
    if profile is not None:
        topics = (await session.execute(select(MemberProfileTopic.topic).where(
            MemberProfileTopic.user_id == user_id).order_by(MemberProfileTopic.topic))).scalars().all()
        languages = (await session.execute(select(MemberProfileLanguage.language).where(
            MemberProfileLanguage.user_id == user_id).order_by(MemberProfileLanguage.language))).scalars().all()
        out["profile"] = {
            "country": profile.country, "organisation_type": profile.org_type,
            "organisation_name": profile.org_name, "bio": profile.bio,
            "happy_to_be_asked": profile.happy_to_be_asked, "topics": list(topics), "languages": list(languages),
            "created_at": profile.created_at.isoformat(), "updated_at": profile.updated_at.isoformat(),
        }
    requests = (await session.execute(select(PeerRequest).where(PeerRequest.peer_user_id == user_id)
                                      .order_by(PeerRequest.sent_at))).scalars().all()
    out["peer_requests"] = [{"question_id": str(r.question_id), "sent_at": r.sent_at.isoformat()} for r in requests]
    return out


async def privacy_forget(session: AsyncSession, user_id: int) -> int:
    """The profile with its topics and languages, and the record of questions sent to the member."""
    n = 0
    for table in (MemberProfileTopic, MemberProfileLanguage):
        n += int(getattr(await session.execute(delete(table).where(table.user_id == user_id)), "rowcount", 0) or 0)
    n += int(getattr(await session.execute(delete(MemberProfile).where(MemberProfile.user_id == user_id)),
                     "rowcount", 0) or 0)
    n += int(getattr(await session.execute(delete(PeerRequest).where(PeerRequest.peer_user_id == user_id)),
                     "rowcount", 0) or 0)
    return n


PRIVACY = PrivacyHook(
    columns=[("member_profiles", "user_id"), ("member_profile_topics", "user_id"),
             ("member_profile_languages", "user_id"), ("qa_peer_requests", "peer_user_id")],
    show=privacy_show, export=privacy_export, forget=privacy_forget,
)
