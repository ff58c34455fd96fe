"""/glossary suggest and /glossary review through the real discord.py code path: a member's
suggestion goes through review into /define, at once and on every instance; rejections, edits,
refusals, double clicks, hostile text, privacy."""

from __future__ import annotations

import copy
import json
from typing import Any

from sqlalchemy import func, select

from bot.app import App
from bot.permissions import Actor
from cogs.glossary.service import GlossaryService
from cogs.glossary_review.models import GlossarySuggestion
from cogs.glossary_review.service import ReviewService
from db.models import OutboxDelivery
from offline import OfflineDiscord
from tests.commands.test_sessions import dms
from tests.conftest import FACILITATOR_ROLE, FakeCatalogue, said

BETTER = ("An enterprise owned and run by its members, one member one vote, to meet needs they share: "
          "the oldest and largest family of the SSE.")
THAI_NAME = "สหกรณ์ (ทดสอบ)"


def inputs(modal: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in modal["components"] for c in row["components"]]


async def suggest(gw: OfflineDiscord, text: str, *, term: str = "cooperative", field: str = "short",
                  note: str = "", user: int | None = None, **options: Any) -> Any:
    form = await gw.slash("glossary suggest", term=term, field=field, user=user or gw.member_id, **options)
    assert form.response_type == 9, form.text
    box, note_box = inputs(form.modal)
    return await gw.submit_modal(form.modal, {box["custom_id"]: text, note_box["custom_id"]: note},
                                 user=user or gw.member_id)


async def rows(app: App) -> list[GlossarySuggestion]:
    async with app.db.begin() as session:
        return list((await session.scalars(select(GlossarySuggestion).order_by(GlossarySuggestion.id))).all())


async def test_suggest_review_approve_and_define_shows_it(gw: OfflineDiscord, app: App) -> None:
    form = await gw.slash("glossary suggest", term="cooperative", field="short", user=gw.member_id)
    assert form.response_type == 9
    box, note_box = inputs(form.modal)
    original = app.service(GlossaryService).term("cooperative").short  # type: ignore[union-attr]
    assert box["value"] == original, "the form starts from what the glossary says now"
    assert form.modal["title"] == "Suggest a better definition" and box["label"] == "Definition in English"
    thanks = await gw.submit_modal(form.modal, {box["custom_id"]: BETTER, note_box["custom_id"]: "ICA definition"},
                                   user=gw.member_id)
    assert thanks.ephemeral and "Thank you! Your suggestion #1" in thanks.text and "1 suggestion is waiting" in thanks.text

    queue = await gw.slash("glossary review", user=gw.facilitator_id)
    assert queue.ephemeral
    text = queue.text
    assert "Suggestion #1" in text and "Now" in text and "Proposed" in text and "ICA definition" in text
    assert original[:40] in text and BETTER[:40] in text and f"<@{gw.member_id}>" in text
    assert [b["label"] for b in queue.buttons] == ["Approve", "Edit, then approve", "Reject"]

    approved = await gw.press(queue, "Approve", user=gw.facilitator_id)
    assert approved.response_type == 7, "the queue message moves on in place"
    assert "✅ Approved #1" in approved.text and "credited to you" in approved.text
    assert "Nothing is waiting for review." in approved.text and not approved.buttons

    defined = await gw.slash("define", term="cooperative")
    assert defined.embed["description"].startswith(BETTER)
    [row] = await rows(app)
    assert (row.status, row.reviewer_id, row.approved_text, row.shipped_text) == (
        "approved", gw.facilitator_id, BETTER, original)
    await gw.settle()
    [(to, dm)] = [(uid, text) for uid, text in dms(gw) if "was approved" in text]
    assert to == gw.member_id and "**Cooperative**" in dm, "one thank-you DM, to the author"


async def test_a_translated_name_is_reviewed_for_that_field_only(gw: OfflineDiscord, app: App) -> None:
    await suggest(gw, THAI_NAME, field="name", language="th")
    queue = await gw.slash("glossary review", user=gw.facilitator_id, language="Thai")
    assert "the Thai name of" in queue.text
    await gw.press(queue, "Approve", user=gw.facilitator_id)
    thai = await gw.slash("define", term="cooperative", locale="th")
    assert thai.embed["title"].startswith(THAI_NAME)
    found = await gw.slash("define", term=THAI_NAME)  # the new name finds the term at once
    assert found.embed["title"].endswith("Cooperative")
    entry = app.service(GlossaryService).term("cooperative").translations["th"]  # type: ignore[union-attr]
    assert entry.reviewed == ["name"] and entry.is_reviewed("name") and not entry.is_reviewed("short")
    first = await gw.slash("glossary browse", letter="C", language="th", user=gw.member_id)
    second = await gw.press(first, said("th", "Next ▶"), user=gw.member_id)  # a page after a restart reads the same
    assert THAI_NAME in first.text + second.text


async def test_reject_keeps_the_text_and_the_queue_moves_on(gw: OfflineDiscord, app: App) -> None:
    await suggest(gw, "Not a better definition at all.")
    await suggest(gw, BETTER, term="credit-union", user=gw.add_user("aigerim"))
    queue = await gw.slash("glossary review", user=gw.facilitator_id)
    rejected = await gw.press(queue, "Reject", user=gw.facilitator_id)
    assert "Rejected #1" in rejected.text and "Suggestion #2" in rejected.text
    assert "Not a better" not in (await gw.slash("define", term="cooperative")).text
    assert [r.status for r in await rows(app)] == ["rejected", "pending"]
    async with app.db.begin() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxDelivery)) == 0, "no DM for a rejection"


async def test_edit_opens_the_proposal_and_approves_the_edited_text(gw: OfflineDiscord, app: App) -> None:
    await suggest(gw, BETTER + " Typo hre.")
    queue = await gw.slash("glossary review", user=gw.facilitator_id)
    form = await gw.press(queue, "Edit, then approve", user=gw.facilitator_id)
    [box] = inputs(form.modal)
    assert box["value"] == BETTER + " Typo hre."
    done = await gw.submit_modal(form.modal, {box["custom_id"]: BETTER}, user=gw.facilitator_id)
    assert done.ephemeral and "Approved #1 with your edit" in done.text
    assert (await gw.slash("define", term="cooperative")).embed["description"].startswith(BETTER)
    [row] = await rows(app)
    assert row.text == BETTER + " Typo hre." and row.approved_text == BETTER
    # an edit with mentions is refused like a suggestion would be; nothing changes
    await suggest(gw, BETTER + " Again.", term="credit-union")
    again = await gw.slash("glossary review", user=gw.facilitator_id)
    form = await gw.press(again, "Edit, then approve", user=gw.facilitator_id)
    [box] = inputs(form.modal)
    refused = await gw.submit_modal(form.modal, {box["custom_id"]: "@everyone look"}, user=gw.facilitator_id)
    assert refused.ephemeral and "mentions" in refused.text
    assert [r.status for r in await rows(app)] == ["approved", "pending"]


async def test_members_cannot_review_or_forge_a_decision(gw: OfflineDiscord, app: App) -> None:
    await suggest(gw, BETTER)
    refused = await gw.slash("glossary review", user=gw.member_id)
    assert refused.ephemeral and "Only facilitators can review glossary suggestions." in refused.text
    queue = await gw.slash("glossary review", user=gw.facilitator_id)
    for label in ("Approve", "Reject", "Edit, then approve"):
        forged = await gw.press(queue, label, user=gw.member_id)
        assert forged.ephemeral and "Only facilitators" in forged.text
    assert [r.status for r in await rows(app)] == ["pending"]
    assert not (await gw.slash("define", term="cooperative")).embed["description"].startswith(BETTER)


async def test_double_approve_second_facilitator_and_stale_buttons(gw: OfflineDiscord, app: App) -> None:
    await suggest(gw, BETTER)
    other = gw.add_user("second facilitator", roles=[FACILITATOR_ROLE])
    queue = await gw.slash("glossary review", user=gw.facilitator_id)
    theirs = await gw.slash("glossary review", user=other)
    stale = copy.deepcopy(gw.messages[queue.message_id])
    first = await gw.press(queue, "Approve", user=gw.facilitator_id)
    assert "✅ Approved #1" in first.text
    gw.messages[queue.message_id] = stale  # the double click: the same button, before the message moved on
    again = await gw.press(queue, "Approve", user=gw.facilitator_id)
    assert again.ephemeral and "You already approved suggestion #1." in again.text
    late = await gw.press(theirs, "Approve", user=other)
    assert late.ephemeral and f"Suggestion #1 was already approved by <@{gw.facilitator_id}>." in late.text
    assert late.callback is not None and late.callback.json["data"]["allowed_mentions"] == {"parse": []}
    edit = await gw.press(theirs, "Edit, then approve", user=other)
    assert edit.ephemeral and "already approved" in edit.text
    reject = await gw.press(theirs, "Reject", user=other)
    assert reject.ephemeral and "already approved" in reject.text
    [row] = await rows(app)
    assert (row.status, row.reviewer_id) == ("approved", gw.facilitator_id)
    async with app.db.begin() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxDelivery)) == 1
    # a suggestion that is gone (its author used /privacy forget) answers the same way
    forged = json.loads(json.dumps(gw.messages[theirs.message_id]).replace("approve:1", "approve:99"))
    gw.messages[theirs.message_id] = forged
    gone = await gw.click(theirs.message_id, "sse:glossary_review:approve:99", user=other)
    assert gone.ephemeral and "no longer in the queue" in gone.text


async def test_bad_input_is_refused_politely_and_nothing_is_stored(gw: OfflineDiscord, app: App) -> None:
    unknown_language = await gw.slash("glossary suggest", term="cooperative", field="short", language="xx",
                                      user=gw.member_id)
    assert unknown_language.ephemeral and "I don't know that language." in unknown_language.text
    unknown_term = await gw.slash("glossary suggest", term="no such thing at all zz", field="short", user=gw.member_id)
    assert unknown_term.ephemeral and "There is no glossary term like that" in unknown_term.text
    huge_term = await gw.slash("glossary suggest", term="ก" * 10_000, field="short", user=gw.member_id)
    assert huge_term.ephemeral and "up to 100 characters" in huge_term.text
    no_gloss = await gw.slash("glossary suggest", term="cooperative", field="gloss", language="en", user=gw.member_id)
    assert no_gloss.ephemeral and "no gloss" in no_gloss.text
    for text, why in (("ก" * 10_000, "characters long; please keep it under 300"),
                      ("A cooperative <@123> and @everyone", "mentions"),
                      ("A **bold** cooperative", "without formatting"),
                      ("A [link](https://x.invalid) cooperative", "without formatting"),
                      ("> quoted", "without formatting"),
                      ("\u200b\u200d  ", "the form was empty"),
                      (app.service(GlossaryService).term("cooperative").short, "already says")):  # type: ignore[union-attr]
        refused = await suggest(gw, text)
        assert refused.ephemeral and why in refused.text, (text[:30], refused.text)
        assert refused.callback is not None and refused.callback.json["data"]["allowed_mentions"] == {"parse": []}
        assert "@everyone" not in refused.text
    taken = await suggest(gw, "Credit union", field="name")
    assert "already a name of another term" in taken.text
    pinging_note = await suggest(gw, BETTER, note="thanks <@&900000000000000101>")
    assert "out of your note" in pinging_note.text
    assert await rows(app) == []
    # the same suggestion twice is stored once
    await suggest(gw, BETTER)
    twice = await suggest(gw, BETTER)
    assert "You already suggested this" in twice.text and "(#1)" in twice.text
    assert len(await rows(app)) == 1


async def test_errors_are_in_the_members_language(gw: OfflineDiscord, fake_catalogue: FakeCatalogue) -> None:
    fake_catalogue("th", {
        "I don't know that language.": "ไม่รู้จักภาษานั้น",
        "Only facilitators can review glossary suggestions.": "เฉพาะผู้อำนวยความสะดวก",
        "Suggest a better definition": "เสนอคำนิยามที่ดีกว่า",
        ("{count} suggestion is waiting for review.", "{count} suggestions are waiting for review."):
            ("มีข้อเสนอ {count} รายการรอการตรวจ",),
    })
    bad = await gw.slash("glossary suggest", term="cooperative", field="short", language="xx", user=gw.member_id,
                         locale="th")
    assert "ไม่รู้จักภาษานั้น" in bad.text
    assert "เฉพาะผู้อำนวยความสะดวก" in (await gw.slash("glossary review", user=gw.member_id, locale="th")).text
    form = await gw.slash("glossary suggest", term="cooperative", field="short", language="en", user=gw.member_id,
                          locale="th")
    assert form.modal["title"] == "เสนอคำนิยามที่ดีกว่า"
    box, note = inputs(form.modal)
    thanks = await gw.submit_modal(form.modal, {box["custom_id"]: BETTER, note["custom_id"]: ""}, user=gw.member_id,
                                   locale="th")
    assert "มีข้อเสนอ 1 รายการรอการตรวจ" in thanks.text


async def test_privacy_shows_exports_and_forgets_suggestions(gw: OfflineDiscord, app: App) -> None:
    await suggest(gw, BETTER, note="my own wording")
    await suggest(gw, "Pending wording for credit unions.", term="credit-union")
    queue = await gw.slash("glossary review", user=gw.facilitator_id)
    form = await gw.press(queue, "Edit, then approve", user=gw.facilitator_id)
    [box] = inputs(form.modal)
    await gw.submit_modal(form.modal, {box["custom_id"]: BETTER + " Edited."}, user=gw.facilitator_id)

    shown = await gw.slash("privacy show", user=gw.member_id)
    assert "glossary suggestions you made: 2" in shown.text
    assert "glossary suggestions you approved or rejected: 1" in (await gw.slash("privacy show", user=gw.facilitator_id)).text
    exported = await gw.slash("privacy export", user=gw.member_id)
    payload = json.loads(exported.files[0][1])
    assert [s["text"] for s in payload["glossary_suggestions"]] == [BETTER, "Pending wording for credit unions."]

    prompt = await gw.slash("privacy forget", user=gw.member_id)
    done = await gw.press(prompt, "Yes, forget my messages", user=gw.member_id)
    assert "glossary_review: 2" in done.text
    [kept] = await rows(app)
    assert (kept.author_id, kept.note, kept.text, kept.status) == (0, None, BETTER + " Edited.", "approved")
    assert (await gw.slash("define", term="cooperative")).embed["description"].startswith(BETTER + " Edited.")
    assert "glossary" not in (await gw.slash("privacy show", user=gw.member_id)).text
    # a facilitator's forget keeps their decisions without their id
    await gw.press(await gw.slash("privacy forget", user=gw.facilitator_id), "Yes, forget my messages",
                   user=gw.facilitator_id)
    [kept] = await rows(app)
    assert kept.reviewer_id == 0


async def test_another_instance_shows_an_approval_at_its_next_answer(app: App, settings: Any) -> None:
    second = await App.create(settings, content=app.content)
    try:
        review = app.service(ReviewService)
        async with app.db.begin() as session:
            submitted = await review.suggest(session, 7, "cooperative", "en", "short", BETTER)
        async with app.db.begin() as session:
            await review.approve(session, Actor(user_id=9, system=True), submitted.suggestion.id)
        elsewhere = second.service(GlossaryService)
        assert elsewhere.term("cooperative").short != BETTER  # type: ignore[union-attr]
        fresh = await elsewhere.fresh()
        assert fresh.define("cooperative").short == BETTER  # type: ignore[union-attr]
        assert (await second.service(GlossaryService).fresh()).term("cooperative").short == BETTER  # type: ignore[union-attr]
    finally:
        await second.close()
