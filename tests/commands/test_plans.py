"""/plan and /consult through the real discord.py code path (offline gateway): private replies, no
pings, refusals in the member's language, nothing stored twice, and the bot's own posts (milestone
due, consultation summary with its CSV) sent once through the outbox."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from bot.app import App
from cogs.plans.jobs import check
from cogs.plans.models import ActionStatusChange, ActionUpdate, Consultation, ConsultationAnswer, PlanAction
from offline import OfflineDiscord
from tests.commands.test_profiles import make_profile
from tests.commands.test_sessions import dms
from tests.conftest import ANNOUNCEMENTS, said

TITLE, SUMMARY, LINK, QUESTIONS = ("sse:plans:consult:title", "sse:plans:consult:summary", "sse:plans:consult:link",
                                   "sse:plans:consult:questions")
ANSWER = "sse:plans:answer:text"
HOSTILE = "@everyone <@123> **bold** [x](https://evil.example) # heading"


def in_days(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%d")


async def count(app: App, model: Any) -> int:
    async with app.db.begin() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def no_pings(result: Any) -> None:
    """The reply is private and allows no mention at all."""
    assert result.ephemeral, result.text
    mentions = result.message.get("allowed_mentions")
    assert mentions is not None and not mentions.get("parse") and not mentions.get("users") and not mentions.get("roles")


async def add_action(gw: OfflineDiscord, **kw: Any) -> Any:
    options = {"country": "Cambodia", "recommendation": "Adopt an SSE framework", "title": "Draft the decree",
               "owner": "Ministry of Labour", "target": in_days(60)}
    options.update(kw)
    return await gw.slash("plan action add", user=gw.facilitator_id, **options)


async def first_action_id(app: App) -> int:
    async with app.db.begin() as session:
        return int(await session.scalar(select(func.min(PlanAction.id))) or 0)


async def test_facilitators_add_actions_and_members_see_the_plan(gw: OfflineDiscord, app: App) -> None:
    added = await add_action(gw)
    no_pings(added)
    assert "Added" in added.text and "Draft the decree" in added.text
    await add_action(gw, recommendation="1", title=HOSTILE, owner="Provincial office")
    shown = await gw.slash("plan show", user=gw.member_id, country="កម្ពុជា")
    no_pings(shown)
    assert "Cambodia" in shown.text and "Adopt an SSE framework" in shown.text and "planned 2" in shown.text
    assert "<@123>" not in shown.text and "@everyone" not in shown.text.replace("@\u200beveryone", "")
    refused = await gw.slash("plan action add", user=gw.member_id, country="Cambodia", recommendation="1",
                             title="Sneaky", owner="Me", target=in_days(30))
    no_pings(refused)
    assert "Only facilitators" in refused.text and await count(app, PlanAction) == 2


async def test_bad_plan_input_is_refused_privately_in_the_members_language(gw: OfflineDiscord, app: App) -> None:
    past = await add_action(gw, target="2020-01-01")
    no_pings(past)
    assert "in the past" in past.text
    unknown = await add_action(gw, country="Atlantis")
    assert "I don't know the country" in unknown.text
    long = await add_action(gw, title="x" * 10_000)
    assert "10,000" in long.text
    thai = await gw.slash("plan action add", user=gw.facilitator_id, locale="th", country="Cambodia",
                          recommendation="R", title="T", owner="O", target="2020-01-01")
    assert said("th", "The date {date} is in the past: please give today or a later date.", date="2020-01-01") in thai.text
    assert await count(app, PlanAction) == 0
    nothing = await gw.slash("plan show", user=gw.member_id, country="Mongolia")
    no_pings(nothing)
    assert "no action plan" in nothing.text
    no_country = await gw.slash("plan show", user=gw.member_id)
    assert "Which country?" in no_country.text


async def test_updates_only_from_the_plans_country_once_then_confirmed(gw: OfflineDiscord, app: App) -> None:
    await add_action(gw)
    action = await first_action_id(app)
    other = gw.add_user("thai-member")
    await make_profile(gw, gw.member_id, country="Cambodia")
    await make_profile(gw, other, country="Thailand")
    wrong = await gw.slash("plan update", user=other, action=action, text="We met")
    no_pings(wrong)
    assert "Thank you for wanting to help" in wrong.text and "/profile set" in wrong.text
    too_long = await gw.slash("plan update", user=gw.member_id, action=action, text="y" * 10_000)
    assert "10,000" in too_long.text
    posted = await gw.slash("plan update", user=gw.member_id, action=action, text=HOSTILE,
                            evidence="https://example.org/minutes")
    no_pings(posted)
    assert "counts once a facilitator confirms it" in posted.text
    twice = await gw.slash("plan update", user=gw.member_id, action=action, text=HOSTILE,
                           evidence="https://example.org/minutes")
    assert "already" in twice.text and await count(app, ActionUpdate) == 1
    async with app.db.begin() as session:
        update_id = int(await session.scalar(select(ActionUpdate.id)) or 0)
    facilitator_view = await gw.slash("plan show", user=gw.facilitator_id, country="Cambodia")
    assert "waiting for a facilitator" in facilitator_view.text and f"#{update_id}" in facilitator_view.text
    member_tries = await gw.slash("plan confirm", user=gw.member_id, update=update_id)
    assert "Only facilitators" in member_tries.text
    confirmed = await gw.slash("plan confirm", user=gw.facilitator_id, update=update_id)
    assert "is confirmed" in confirmed.text
    again = await gw.slash("plan confirm", user=gw.facilitator_id, update=update_id)
    assert "confirmed already" in again.text
    shown = await gw.slash("plan show", user=gw.member_id, country="Cambodia")
    moved = next(f for f in shown.embed["fields"] if f["name"] == "Moved in the last month")
    assert "Draft the decree" in moved["value"]


async def test_status_changes_and_the_country_profile_shows_moved_and_overdue(gw: OfflineDiscord, app: App) -> None:
    await add_action(gw)
    await add_action(gw, title="Train officials", target=in_days(2))
    first = await first_action_id(app)
    changed = await gw.slash("plan action status", user=gw.facilitator_id, action=first, status="under_way")
    assert "under way" in changed.text
    shown = await gw.slash("plan show", user=gw.member_id, country="Cambodia", locale="th")
    moved = next(f["value"] for f in shown.embed["fields"] if f["name"] == said("th", "Moved in the last month"))
    async with app.db.begin() as session:
        when = await session.scalar(select(ActionStatusChange.changed_at))
    assert when is not None
    assert f"↳ <t:{int(when.timestamp())}:d>: {said('th', 'planned')} → {said('th', 'under way')}" in moved
    assert str(gw.facilitator_id) not in shown.text  # who changed it is not shown
    async with app.db.begin() as session:  # the second action's target date has passed meanwhile
        await session.execute(update(PlanAction).where(PlanAction.id == first + 1).values(
            target_date=(datetime.now(UTC) - timedelta(days=3)).date()))
    profile = await gw.slash("country", user=gw.member_id, name="Cambodia")
    text = profile.text
    for _ in range(5):
        if "National action plan" in text:
            break
        profile = await gw.press(profile, "Next ▶", user=gw.member_id)
        text = profile.text
    assert "National action plan" in text
    assert "Moved in the last month: #" in text and "Draft the decree (under way)" in text
    assert "Overdue: #" in text and "Train officials" in text


async def test_a_milestone_due_is_announced_once_without_pings(gw: OfflineDiscord, app: App) -> None:
    await add_action(gw, title=HOSTILE, target=in_days(1))
    later = datetime.now(UTC) + timedelta(days=2)
    assert await check(gw.bot, now=later) == 1
    await gw.settle()
    assert await check(gw.bot, now=later + timedelta(hours=1)) == 0
    await gw.settle()
    posts = [m for m in gw.messages.values() if int(m["channel_id"]) == ANNOUNCEMENTS and "Milestone due" in m["content"]]
    assert len(posts) == 1
    assert "Cambodia" in posts[0]["content"] and "/plan update action:" in posts[0]["content"]
    [call] = [c for c in gw.calls if c.method == "POST" and c.json and "Milestone due" in str(c.json.get("content"))]
    assert call.json["allowed_mentions"] == {"parse": []}
    assert "<@123>" not in posts[0]["content"]


# ------------------------------------------------------------------ consultations
async def open_consultation(gw: OfflineDiscord, **typed: str) -> Any:
    form = await gw.slash("consult open", user=gw.facilitator_id, closes=in_days(14), countries="Cambodia, Thailand")
    assert form.response_type == 9, form.text
    values = {TITLE: "Draft SSE decree", SUMMARY: "Views on the draft decree.", LINK: "https://example.org/draft",
              QUESTIONS: "What works in the draft?\nWhat is missing?"}
    values.update(typed)
    return await gw.submit_modal(form.modal, values, user=gw.facilitator_id)


async def consultation_id(app: App) -> int:
    async with app.db.begin() as session:
        return int(await session.scalar(select(func.max(Consultation.id))) or 0)


async def answer(gw: OfflineDiscord, cid: int, number: int, text: str, *, user: int, anonymous: bool = False) -> Any:
    shown = await gw.slash("consult answer", user=user, consultation=cid, anonymous=anonymous)
    no_pings(shown)
    form = await gw.press(shown, f"Answer question {number}", user=user)
    assert form.response_type == 9, form.text
    return await gw.submit_modal(form.modal, {ANSWER: text}, user=user)


async def test_only_facilitators_open_consultations_and_bad_forms_keep_the_text(gw: OfflineDiscord, app: App) -> None:
    member = await gw.slash("consult open", user=gw.member_id, closes=in_days(14))
    no_pings(member)
    assert "Only facilitators" in member.text
    past = await gw.slash("consult open", user=gw.facilitator_id, closes="2020-01-01")
    assert past.response_type == 4 and "in the past" in past.text
    six = "\n".join(f"Question {i}?" for i in range(6))
    refused = await open_consultation(gw, **{QUESTIONS: six})
    no_pings(refused)
    assert "at most 5" in refused.text and await count(app, Consultation) == 0
    again = await gw.press(refused, "Edit what I typed", user=gw.facilitator_id)
    field = next(c for row in again.modal["components"] for c in row["components"] if c["custom_id"] == QUESTIONS)
    assert field["value"] == six
    opened = await open_consultation(gw, **{TITLE: HOSTILE})
    no_pings(opened)
    assert "is open" in opened.text and await count(app, Consultation) == 1
    await make_profile(gw, gw.member_id, country="Cambodia")
    listed = await gw.slash("consult list", user=gw.member_id)
    assert "/consult answer consultation:" in listed.text and "<@123>" not in listed.text


async def test_answers_are_stored_once_updated_on_resubmission_and_refused_after_closing(gw: OfflineDiscord, app: App) -> None:
    await open_consultation(gw)
    cid = await consultation_id(app)
    await make_profile(gw, gw.member_id, country="Cambodia")
    saved = await answer(gw, cid, 1, HOSTILE, user=gw.member_id, anonymous=True)
    no_pings(saved)
    assert "saved, anonymous to other members" in saved.text
    again = await answer(gw, cid, 1, "A better answer", user=gw.member_id)
    assert "updated" in again.text
    shown = await gw.slash("consult answer", user=gw.member_id, consultation=cid)
    form = await gw.press(shown, "Answer question 1", user=gw.member_id)
    prefilled = next(c for row in form.modal["components"] for c in row["components"] if c["custom_id"] == ANSWER)
    assert prefilled["value"] == "A better answer"
    await gw.submit_modal(form.modal, {ANSWER: "A better answer"}, user=gw.member_id)
    assert await count(app, ConsultationAnswer) == 1
    long = await answer(gw, cid, 2, "z" * 10_000, user=gw.member_id)
    no_pings(long)
    assert "10,000" in long.text and await count(app, ConsultationAnswer) == 1
    back = await gw.press(long, "Edit what I typed", user=gw.member_id)
    kept = next(c for row in back.modal["components"] for c in row["components"] if c["custom_id"] == ANSWER)
    assert kept["value"] == "z" * 4000
    # the consultation closes: the command and a form opened before both refuse politely
    stale = await gw.slash("consult answer", user=gw.member_id, consultation=cid)
    opened = await gw.press(stale, "Answer question 2", user=gw.member_id)
    async with app.db.begin() as session:
        await session.execute(update(Consultation).values(closes_at=datetime.now(UTC) - timedelta(minutes=1)))
    late = await gw.submit_modal(opened.modal, {ANSWER: "Late"}, user=gw.member_id)
    no_pings(late)
    assert "closed" in late.text
    closed = await gw.slash("consult answer", user=gw.member_id, consultation=cid, locale="vi")
    assert said("vi", "Thank you, but this consultation closed on {date}: answers are no longer taken.",
                date="X").split("X")[0] in closed.text
    assert await count(app, ConsultationAnswer) == 1


async def test_closing_sends_the_facilitators_one_summary_with_the_answers_as_csv(gw: OfflineDiscord, app: App) -> None:
    await open_consultation(gw)
    cid = await consultation_id(app)
    other = gw.add_user("thai-member")
    await make_profile(gw, gw.member_id, country="Cambodia")
    await make_profile(gw, other, country="Thailand", organisation_type="government")
    await answer(gw, cid, 1, "A cooperative law, <@123>, \"quoted\"", user=gw.member_id)
    await answer(gw, cid, 1, "More for each social enterprise", user=other, anonymous=True)
    await answer(gw, cid, 2, "Finance", user=other)
    async with app.db.begin() as session:
        closes = await session.scalar(select(Consultation.closes_at))
    assert closes is not None
    assert await check(gw.bot, now=closes + timedelta(minutes=1)) == 1
    await gw.settle()
    assert await check(gw.bot, now=closes + timedelta(hours=1)) == 0
    await gw.settle()
    sent = [c for c in gw.calls if c.files and c.files[0][0].endswith("-answers.csv")]
    assert len(sent) == 1
    recipients = [uid for uid, _ in dms(gw)]
    assert recipients.count(gw.facilitator_id) == 1
    filename, data = sent[0].files[0]
    assert filename == f"consultation-{cid}-answers.csv"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 3
    anonymous = next(r for r in rows if r["country"] == "Thailand" and r["question_number"] == "1")
    assert anonymous["member"] == "anonymous" and anonymous["glossary_terms"] == "Social enterprise"
    named = next(r for r in rows if r["country"] == "Cambodia")
    assert named["member"] == str(gw.member_id) and named["answer"] == "A cooperative law, <@123>, \"quoted\""
    summary = sent[0].json or {}
    text = str(summary)
    assert "2 members answered" in text and "Cambodia: 1" in text and "Cooperative (1)" in text


async def test_privacy_shows_and_forgets_answers_and_updates(gw: OfflineDiscord, app: App) -> None:
    await add_action(gw)
    await make_profile(gw, gw.member_id, country="Cambodia")
    await gw.slash("plan update", user=gw.member_id, action=await first_action_id(app), text="We met the ministry")
    await open_consultation(gw)
    await answer(gw, await consultation_id(app), 1, "My anonymous view", user=gw.member_id, anonymous=True)
    shown = await gw.slash("privacy show", user=gw.member_id)
    assert "action plan progress updates: 1" in shown.text and "consultation answers (anonymous ones too): 1" in shown.text
    prompt = await gw.slash("privacy forget", user=gw.member_id)
    await gw.press(prompt, "Yes, forget my messages", user=gw.member_id)
    assert await count(app, ConsultationAnswer) == 0 and await count(app, ActionUpdate) == 0
    assert await count(app, PlanAction) == 1 and await count(app, Consultation) == 1  # the community's records stay


async def test_a_huge_plan_and_a_long_consultation_stay_inside_discords_limits(gw: OfflineDiscord, app: App) -> None:
    """The gw fixture fails the test on any payload over Discord's limits (6,000 characters an embed...)."""
    from bot.permissions import Actor
    from cogs.plans.records import ActionDraft, PlanDraft, RecommendationDraft
    from cogs.plans.service import PlanService

    recs = tuple(RecommendationDraft(f"Recommendation {i} " + "r" * 400, tuple(
        ActionDraft(f"Action {i}.{j} " + "a" * 250, "Organisation " + "o" * 150, in_days(30 + j)) for j in range(10)))
        for i in range(20))
    async with app.db.begin() as session:
        await app.service(PlanService).import_plans(session, Actor.cli(), [PlanDraft("KH", "T" * 200, recs)])
    shown = await gw.slash("plan show", user=gw.facilitator_id, country="KH")
    assert "Recommendation 0" in shown.text and "The whole plan" in shown.text
    profile = await gw.slash("country", user=gw.member_id, name="Cambodia")
    assert profile.embeds
    questions = "\n".join(f"Question {i} " + "q" * 280 for i in range(5))
    await open_consultation(gw, **{TITLE: "T" * 200, SUMMARY: "*" * 1000, QUESTIONS: questions})
    cid = await consultation_id(app)
    for user in (gw.member_id, gw.add_user("second")):
        await make_profile(gw, user, country="Thailand")
        for n in range(1, 6):
            await answer(gw, cid, n, "cooperative " * 150, user=user)
    async with app.db.begin() as session:
        closes = await session.scalar(select(Consultation.closes_at))
    assert closes is not None and await check(gw.bot, now=closes + timedelta(minutes=1)) == 1
    await gw.settle()
    assert len([c for c in gw.calls if c.files]) == 1


async def test_members_outside_the_audience_are_told_politely_and_not_offered_it(gw: OfflineDiscord, app: App) -> None:
    await open_consultation(gw)  # for Cambodia and Thailand
    cid = await consultation_id(app)
    mongolian, newcomer = gw.add_user("mongolian-member"), gw.add_user("newcomer")
    await make_profile(gw, mongolian, country="Mongolia", locale="vi")
    listed = await gw.slash("consult list", user=mongolian)
    no_pings(listed)
    assert "Draft SSE decree" not in listed.text and "1 more consultation asks members of other countries" in listed.text
    refused = await gw.slash("consult answer", user=mongolian, consultation=cid, locale="vi")
    no_pings(refused)
    assert said("vi", "Thank you for your interest! This consultation asks members from {countries}, and your profile "
                "says {country}. If your profile is out of date, change it with /profile set.",
                countries="X", country="Y").split("X")[0] in refused.text
    assert not refused.buttons
    first = await gw.slash("consult answer", user=newcomer, consultation=cid)
    no_pings(first)
    assert "please set your country with /profile set first" in first.text and "Cambodia and Thailand" in first.text
    # a member who moves to another country: buttons and forms shown before refuse too
    await make_profile(gw, newcomer, country="Cambodia")
    shown = await gw.slash("consult answer", user=newcomer, consultation=cid)
    form = await gw.press(shown, "Answer question 1", user=newcomer)
    await make_profile(gw, newcomer, country="Mongolia")
    late = await gw.submit_modal(form.modal, {ANSWER: "From Mongolia now"}, user=newcomer)
    no_pings(late)
    assert "your profile says Mongolia" in late.text
    pressed = await gw.press(shown, "Answer question 2", user=newcomer)
    assert pressed.response_type == 4 and "your profile says Mongolia" in pressed.text
    assert await count(app, ConsultationAnswer) == 0
    # facilitators see every consultation, and the draft, without answering for another country
    everything = await gw.slash("consult list", user=gw.facilitator_id)
    assert "Draft SSE decree" in everything.text and "more consultation" not in everything.text
    seen = await gw.slash("consult answer", user=gw.facilitator_id, consultation=cid)
    no_pings(seen)
    assert "as a facilitator" in seen.text and "What is missing?" in seen.text and not seen.buttons


def posted_messages(gw: OfflineDiscord) -> list[dict[str, Any]]:
    """Every message the bot sent or edited: interaction replies, follow-ups, channel posts, DMs."""
    out = []
    for c in gw.calls:
        if not isinstance(c.json, dict):
            continue
        if c.route.endswith("/callback") and c.json.get("type") in (4, 7) and c.json.get("data") is not None:
            out.append(c.json["data"])
        elif c.route.startswith(("/webhooks/", "/channels/")) and c.method in ("POST", "PATCH") and (
                "content" in c.json or "embeds" in c.json):
            out.append(c.json)
    return out


async def test_mentions_and_markdown_in_every_field_are_shown_inert_and_never_ping(gw: OfflineDiscord, app: App) -> None:
    await add_action(gw, recommendation=HOSTILE, title=HOSTILE, owner=HOSTILE, target=in_days(1))
    await make_profile(gw, gw.member_id, country="Cambodia")
    await gw.slash("plan update", user=gw.member_id, action=await first_action_id(app), text=HOSTILE)
    for user in (gw.member_id, gw.facilitator_id):
        await gw.slash("plan show", user=user, country="Cambodia")
    await gw.slash("country", user=gw.member_id, name="Cambodia")
    await open_consultation(gw, **{TITLE: HOSTILE, SUMMARY: HOSTILE + "\n# second line",
                                   QUESTIONS: HOSTILE + "\n" + HOSTILE + "?"})
    cid = await consultation_id(app)
    await gw.slash("consult list", user=gw.member_id)
    await answer(gw, cid, 2, HOSTILE, user=gw.member_id)
    async with app.db.begin() as session:
        closes = await session.scalar(select(Consultation.closes_at))
    assert closes is not None
    await check(gw.bot, now=closes + timedelta(days=1))  # the milestone notice and the closing summary
    await gw.settle()
    messages = posted_messages(gw)
    assert any("Milestone due" in (m.get("content") or "") for m in messages)
    assert any("Consultation closed" in str(m.get("embeds")) for m in messages)
    for m in messages:
        shown = str(m)
        assert "<@123>" not in shown and "@everyone" not in shown and "**bold**" not in shown, shown[:300]
        assert "[x](https://evil.example)" not in shown, shown[:300]
        assert not (m.get("allowed_mentions") or {}).get("parse"), m.get("allowed_mentions")


async def test_the_rest_of_the_bad_input_list_is_refused_in_the_members_language(gw: OfflineDiscord, app: App) -> None:
    """Dates in the past and unknown countries everywhere they are typed, an update from another
    country, and the same action or consultation sent twice: refused or stored once, privately."""
    await add_action(gw)
    action = await first_action_id(app)
    past = await gw.slash("plan action status", user=gw.facilitator_id, action=action, status="done",
                          target="2020-01-01", locale="vi")
    no_pings(past)
    assert said("vi", "The date {date} is in the past: please give today or a later date.", date="2020-01-01") in past.text
    async with app.db.begin() as session:
        row = await session.get(PlanAction, action)
        assert row is not None and row.status == "planned" and row.target_date.isoformat() == in_days(60)
    unknown = await gw.slash("plan show", user=gw.member_id, country="Atlantis", locale="ko")
    no_pings(unknown)
    assert said("ko", "I don't know the country “{typed}”. Choose one of: {countries}, in any language.",
                typed="Atlantis", countries="X").split("X")[0] in unknown.text
    nowhere = await gw.slash("consult open", user=gw.facilitator_id, closes=in_days(14), countries="Cambodia, Atlantis",
                             locale="th")
    assert nowhere.response_type == 4  # refused before the form opens: nothing typed is lost
    no_pings(nowhere)
    assert said("th", "I don't know the country “{typed}”. Choose one of: {countries}, in any language.",
                typed="Atlantis", countries="X").split("X")[0] in nowhere.text
    thai = gw.add_user("thai-member")
    await make_profile(gw, thai, country="Thailand")
    wrong = await gw.slash("plan update", user=thai, action=action, text="We met", locale="ja")
    no_pings(wrong)
    assert said("ja", "Thank you for wanting to help! Progress on {country}'s plan is posted by members whose profile "
                "says {country}. If that is you, set your country with /profile set and try again.",
                country="X").split("X")[0] in wrong.text
    assert await count(app, ActionUpdate) == 0
    # double submission
    again = await add_action(gw, recommendation="1")
    no_pings(again)
    assert "already has the action" in again.text and await count(app, PlanAction) == 1
    await open_consultation(gw)
    twice = await open_consultation(gw)
    no_pings(twice)
    assert "already" in twice.text and await count(app, Consultation) == 1
