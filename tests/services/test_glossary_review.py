"""The rules of glossary review without Discord: which approval decides a field's text, how the
approved text is written as YAML, and the service's checks."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import yaml
from sqlalchemy import func, select

from bot.app import App
from bot.content import Content, TermTranslation
from bot.errors import InvalidInput, NotAllowed
from bot.permissions import Actor
from cogs.glossary_review.export import quoted, render_scalar
from cogs.glossary_review.overrides import Approved, apply, effective
from cogs.glossary_review.service import MAX_PENDING_PER_MEMBER, ReviewService
from db.models import OutboxDelivery

T0 = datetime(2026, 12, 1, tzinfo=UTC)


def approval(n: int, text: str, shipped: str | None, *, field: str = "name", language: str = "th",
             term: str = "cooperative") -> Approved:
    return Approved(n, term, language, field, text, shipped, 9, T0 + timedelta(minutes=n))


def test_the_latest_approval_wins_unless_the_file_changed_since(shipped_content: Content) -> None:
    terms = {t.id: t for t in shipped_content.terms}
    shipped = terms["cooperative"].translations["th"].name
    first, second = approval(1, "หนึ่ง", shipped), approval(2, "สอง", shipped)
    now = effective(terms, [first, second])
    assert now.applied[("cooperative", "th", "name")] == second and now.superseded == ()
    # the file was edited after both: the file wins, and the later approval is the one reported
    stale = approval(3, "สาม", "ชื่อเก่า")
    now = effective(terms, [first, stale])
    assert now.applied == {("cooperative", "th", "name"): first} and now.superseded == (stale,)
    # an exported approval (the file says what was approved) still applies, and marks the field reviewed
    exported = approval(4, shipped or "", "ชื่อก่อนนั้น")
    now = effective(terms, [exported])
    [term] = [t for t in apply(shipped_content.terms, now.applied) if t.id == "cooperative"]
    assert term.translations["th"].is_reviewed("name") and not term.translations["th"].is_reviewed("short")
    gone = approval(5, "x", None, term="no-such-term")
    assert effective(terms, [gone]).orphaned == (gone,)


def test_apply_adds_a_missing_translation_and_leaves_the_shipped_terms_alone(shipped_content: Content) -> None:
    before = {t.id: t for t in shipped_content.terms}["sse"]
    approved = {("sse", "ja", "gloss"): approval(1, "説明", None, field="gloss", language="ja", term="sse"),
                ("sse", "en", "short"): approval(2, "Short and new.", before.short, field="short", language="en",
                                                 term="sse")}
    [after] = [t for t in apply(shipped_content.terms, approved) if t.id == "sse"]
    assert after.translations["ja"].gloss == "説明" and after.translations["ja"].reviewed == ["gloss"]
    assert after.short == "Short and new." and before.short != "Short and new."
    assert "gloss" not in before.translations["ja"].reviewed


@pytest.mark.parametrize("text", ['He said "yes": no', "a\\b", "line\u2028separator", "tab\there", "# not a comment",
                                  "- not a list", "'single'", "null", "yes", "ข้อความ: ไทย"])
def test_every_text_reads_back_from_the_yaml_it_is_written_as(text: str) -> None:
    for style in ("quoted", "plain", "folded"):
        snippet = render_scalar("short", text, indent=0, style=style)
        assert yaml.safe_load(snippet) == {"short": text}, (style, snippet)
    assert yaml.safe_load("k: " + quoted(text)) == {"k": text}


def test_reviewed_lists_only_fields_the_entry_has() -> None:
    with pytest.raises(ValueError, match="does not have"):
        TermTranslation(name="x", reviewed=["short"])
    assert TermTranslation(name="x", status="reviewed").is_reviewed("explanation")


async def test_checks_of_the_service(app: App) -> None:
    review = app.service(ReviewService)
    member = Actor(user_id=5)
    async with app.db.begin() as session:
        with pytest.raises(NotAllowed):
            await review.next_pending(session, member)
        for i in range(MAX_PENDING_PER_MEMBER):
            await review.suggest(session, 5, "cooperative", "th", "short", f"ข้อเสนอที่ {i}")
        with pytest.raises(InvalidInput, match="waiting for review already"):
            await review.suggest(session, 5, "cooperative", "th", "short", "อีกหนึ่ง")
        with pytest.raises(InvalidInput, match="no gloss"):
            review.target("cooperative", "en", "gloss")
        with pytest.raises(InvalidInput, match="don't know that language"):
            review.target("cooperative", "xx", "short")
        # a single *, _ or a hyphenated word is not formatting
        target = review.target("cooperative", "en", "short")
        assert review.check_text(target, "Owned by members* (see note_1) - and run by them.")
        with pytest.raises(InvalidInput, match="formatting"):
            review.check_text(target, "Owned by *members* and run by them.")


async def test_two_facilitators_approving_at_the_same_moment_decide_once(app: App) -> None:
    review = app.service(ReviewService)
    async with app.db.begin() as session:
        submitted = await review.suggest(session, 5, "cooperative", "th", "name", "สหกรณ์ (พร้อมกัน)")

    async def approve(user_id: int) -> str:
        try:
            async with app.db.begin_write() as session:
                await review.approve(session, Actor(user_id=user_id, system=True), submitted.suggestion.id)
            return "approved"
        except InvalidInput as exc:
            return exc.message

    outcomes = await asyncio.gather(approve(1), approve(2), approve(1))
    assert sorted(outcomes).count("approved") == 1, outcomes
    assert all("already approved" in o for o in outcomes if o != "approved")
    async with app.db.begin() as session:
        dms = await session.scalar(select(func.count()).select_from(OutboxDelivery))
        approvals = await review.approved(session)
    assert dms == 1 and len(approvals) == 1
