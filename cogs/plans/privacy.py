"""/privacy for plans and consultations: the progress updates a member posted or confirmed, the
consultations they opened and their answers (anonymous ones too: anonymous to other members,
never to the member themself), a copy of them, and forgetting them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.capability import PrivacyHook, PrivacyLine
from bot.catalogues import _
from cogs.plans.models import (
    ActionStatusChange,
    ActionUpdate,
    Consultation,
    ConsultationAnswer,
    ConsultationQuestion,
)


def _rows(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def privacy_show(session: AsyncSession, user_id: int) -> list[PrivacyLine]:
    lines = []
    updates = (await session.execute(select(func.count(), func.min(ActionUpdate.created_at),
                                            func.max(ActionUpdate.created_at))
                                     .where(ActionUpdate.author_id == user_id))).one()
    if updates[0]:
        lines.append(PrivacyLine(_("action plan progress updates"), int(updates[0]), updates[1], updates[2]))
    confirmed = await session.scalar(select(func.count()).where(ActionUpdate.confirmed_by_user_id == user_id))
    if confirmed:
        lines.append(PrivacyLine(_("progress updates you confirmed"), int(confirmed)))
    answers = (await session.execute(select(func.count(), func.min(ConsultationAnswer.created_at),
                                            func.max(ConsultationAnswer.updated_at))
                                     .where(ConsultationAnswer.user_id == user_id))).one()
    if answers[0]:
        lines.append(PrivacyLine(_("consultation answers (anonymous ones too)"), int(answers[0]), answers[1], answers[2]))
    opened = await session.scalar(select(func.count()).where(Consultation.opener_user_id == user_id))
    if opened:
        lines.append(PrivacyLine(_("consultations you opened"), int(opened)))
    changes = (await session.execute(select(func.count(), func.min(ActionStatusChange.changed_at),
                                            func.max(ActionStatusChange.changed_at))
                                     .where(ActionStatusChange.changed_by_user_id == user_id))).one()
    if changes[0]:
        lines.append(PrivacyLine(_("action status changes you made"), int(changes[0]), changes[1], changes[2]))
    return lines


async def privacy_export(session: AsyncSession, user_id: int) -> dict[str, Any]:
    updates = (await session.scalars(select(ActionUpdate).where(ActionUpdate.author_id == user_id)
                                     .order_by(ActionUpdate.id))).all()
    answers = (await session.execute(
        select(ConsultationAnswer, ConsultationQuestion.text, ConsultationQuestion.consultation_id)
        .join(ConsultationQuestion, ConsultationQuestion.id == ConsultationAnswer.question_id)
        .where(ConsultationAnswer.user_id == user_id).order_by(ConsultationAnswer.id))).all()
    confirmed = (await session.scalars(select(ActionUpdate.id).where(ActionUpdate.confirmed_by_user_id == user_id)
                                       .order_by(ActionUpdate.id))).all()
    opened = (await session.scalars(select(Consultation.id).where(Consultation.opener_user_id == user_id)
                                    .order_by(Consultation.id))).all()
    changes = (await session.scalars(select(ActionStatusChange).where(ActionStatusChange.changed_by_user_id == user_id)
                                     .order_by(ActionStatusChange.changed_at, ActionStatusChange.id))).all()
    return {
        "action_updates": [{"action_id": u.action_id, "text": u.text, "evidence": list(u.evidence or []),
                            "created_at": u.created_at.isoformat(), "confirmed": u.confirmed_at is not None}
                           for u in updates],
        "confirmed_updates": list(confirmed),
        "consultation_answers": [{"consultation_id": cid, "question": question, "text": a.text,
                                  "anonymous": a.anonymous, "country": a.country, "organisation_type": a.org_type,
                                  "created_at": a.created_at.isoformat(), "updated_at": a.updated_at.isoformat()}
                                 for a, question, cid in answers],
        "consultations_opened": list(opened),
        "action_status_changes": [{"action_id": c.action_id, "from": c.from_status, "to": c.to_status,
                                   "changed_at": c.changed_at.isoformat()} for c in changes],
    }


async def privacy_forget(session: AsyncSession, user_id: int) -> int:
    """Their answers and updates are deleted; where they confirmed an update, opened a
    consultation or changed an action's status, their id is removed and the record stays (it is
    the community's)."""
    n = _rows(await session.execute(delete(ConsultationAnswer).where(ConsultationAnswer.user_id == user_id)))
    n += _rows(await session.execute(delete(ActionUpdate).where(ActionUpdate.author_id == user_id)))
    n += _rows(await session.execute(update(ActionUpdate).where(ActionUpdate.confirmed_by_user_id == user_id)
                                     .values(confirmed_by_user_id=None)))
    n += _rows(await session.execute(update(Consultation).where(Consultation.opener_user_id == user_id)
                                     .values(opener_user_id=None)))
    n += _rows(await session.execute(update(ActionStatusChange).where(ActionStatusChange.changed_by_user_id == user_id)
                                     .values(changed_by_user_id=None)))
    return n


PRIVACY = PrivacyHook(
    columns=[("plan_action_updates", "author_id"), ("plan_action_updates", "confirmed_by_user_id"),
             ("consultations", "opener_user_id"), ("consultation_answers", "user_id"),
             ("plan_action_status_changes", "changed_by_user_id")],
    show=privacy_show, export=privacy_export, forget=privacy_forget,
)
