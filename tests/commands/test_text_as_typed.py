"""What members type is stored and shown as typed: Thai ำ stays ำ, descriptions keep their lines."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from cogs.qa.models import Question
from cogs.sessions.models import TrainingSession
from offline import OfflineDiscord
from tests.commands.test_qa import ask, calls, search_text
from tests.commands.test_sessions import create

THAI_TITLE = "การทำบัญชีวิสาหกิจชุมชน"  # "community enterprise bookkeeping": ทำ has SARA AM (U+0E33)
BODY = "เราเป็นกลุ่มทอผ้า 12 คน\nต้องทำบัญชีอย่างไร?\n\n- รายรับ\n- รายจ่าย"


async def test_a_thai_question_keeps_sara_am_and_its_lines_and_is_found(gw: OfflineDiscord) -> None:
    assert "\u0e33" in THAI_TITLE
    await ask(gw, THAI_TITLE, BODY, user=gw.member_id)
    posted = calls(gw, "POST /channels/{channel_id}/threads")[0].json
    assert posted["name"] == THAI_TITLE
    assert posted["message"]["content"].startswith(BODY)
    async with gw.bot.app.db.begin() as session:  # type: ignore[attr-defined]
        stored = (await session.execute(select(Question.title))).scalar_one()
    assert stored == THAI_TITLE
    found = await search_text(gw, "ทำบัญชี")
    assert THAI_TITLE in found
    # Typed decomposed (NIKHAHIT + SARA AA, as some keyboards do), the query still matches.
    assert THAI_TITLE in await search_text(gw, "ท\u0e4d\u0e32บัญชี")


async def test_a_multi_line_session_description_keeps_its_lines(gw: OfflineDiscord) -> None:
    description = "Agenda:\n1. ทำบัญชี\n2. Q&A\n\nBring your ledger."
    result: Any = await create(gw, title=f"  {THAI_TITLE}\n(online) ", description=description)
    assert "error" not in result.text.lower()
    async with gw.bot.app.db.begin() as session:  # type: ignore[attr-defined]
        row = (await session.execute(select(TrainingSession))).scalar_one()
    assert row.description == description
    assert row.title == f"{THAI_TITLE} (online)"  # a title is one line
    shown = [e for m in gw.messages.values() for e in m.get("embeds") or []]
    assert any(description in (e.get("description") or "") for e in shown)
    assert any(f"{THAI_TITLE} (online)" in (e.get("title") or "") for e in shown)
