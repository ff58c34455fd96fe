"""PlanService and ConsultationService on a real migrated database: plans built by facilitators and
from YAML (all or nothing, every problem named), updates only from the plan's country and counted
once confirmed, milestones announced once, consultations answered once per member and question,
closed once with a summary whose CSV an independent reader checks, privacy, and the report's figures."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select

from bot.app import App
from bot.errors import InvalidInput, NotAllowed
from bot.permissions import Actor
from cogs.plans.consultations import ConsultationService
from cogs.plans.importer import load_plans
from cogs.plans.models import ActionUpdate, ConsultationAnswer, PlanAction
from cogs.plans.privacy import privacy_export, privacy_forget, privacy_show
from cogs.plans.records import ActionDraft, PlanDraft, RecommendationDraft
from cogs.plans.service import PlanService
from cogs.profiles.service import ProfileService
from db.models import OutboxDelivery
from tests.conftest import ANNOUNCEMENTS, FACILITATOR_ROLE, ROOT

FACILITATOR = Actor(user_id=11, role_ids=frozenset({FACILITATOR_ROLE}))
MEMBER = Actor(user_id=22)
NOW = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)  # 12:00 in Bangkok


async def profile(app: App, user_id: int, country: str | None, org_type: str = "cooperative") -> None:
    service = app.service(ProfileService)
    async with app.db.begin() as session:
        await service.save(session, user_id, service.check_form(country=country, org_type=org_type, org_name=None,
                                                                bio=None, happy_to_be_asked=False))


async def count(app: App, model: Any) -> int:
    async with app.db.begin() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def add(app: App, **kw: Any) -> Any:
    values = {"country": "Cambodia", "recommendation": "Adopt an SSE framework", "title": "Draft the decree",
              "owner": "Ministry of Labour", "target": "2027-03-31"}
    values.update(kw)
    async with app.db.begin() as session:
        return await app.service(PlanService).add_action(session, FACILITATOR, now=NOW, **values)


async def test_facilitators_build_a_plan_and_members_cannot(app: App) -> None:
    first = await add(app)
    second = await add(app, recommendation="1", title="Consult cooperatives", target="2027-01-15")
    await add(app, recommendation="Train local officials", title="Run two trainings", owner="Provincial offices")
    async with app.db.begin() as session:
        plan = await app.service(PlanService).require_plan(session, "KH")
        with pytest.raises(NotAllowed):
            await app.service(PlanService).add_action(session, MEMBER, country="KH", recommendation="x", title="y",
                                                      owner="z", target="2027-01-01", now=NOW)
    assert plan.country_name == "Cambodia"
    assert [r.text for r in plan.recommendations] == ["Adopt an SSE framework", "Train local officials"]
    assert [a.id for a in plan.recommendations[0].actions] == [first.id, second.id]
    assert plan.counts() == {"planned": 3, "under_way": 0, "done": 0, "stalled": 0}


@pytest.mark.parametrize(("field", "value", "says"), [
    ("target", "2026-12-01", "in the past"),
    ("target", "31/03/2027", "YYYY-MM-DD"),
    ("target", "2027-02-30", "YYYY-MM-DD"),
    ("country", "Atlantis", "I don't know the country"),
    ("title", "x" * 10_000, "10,000 characters"),
    ("owner", "   ", "empty"),
])
async def test_bad_input_is_refused_politely_and_nothing_is_stored(app: App, field: str, value: str, says: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        await add(app, **{field: value})
    assert says in refused.value.message
    assert await count(app, PlanAction) == 0


async def test_only_members_of_the_plans_country_post_updates_and_they_count_once_confirmed(app: App) -> None:
    action = await add(app)
    await profile(app, 22, "KH")
    await profile(app, 33, "TH")
    service = app.service(PlanService)
    async with app.db.begin() as session:
        with pytest.raises(NotAllowed) as wrong:
            await service.post_update(session, 33, action.id, "We met the ministry.")
        with pytest.raises(NotAllowed):
            await service.post_update(session, 44, action.id, "No profile at all.")  # no profile
        with pytest.raises(InvalidInput):
            await service.post_update(session, 22, action.id, "Met", "not-a-link")
        posted = await service.post_update(session, 22, action.id, "Met the ministry <@123> **bold**",
                                           "https://example.org/minutes", now=NOW)
        again = await service.post_update(session, 22, action.id, "Met the ministry <@123> **bold**",
                                          "https://example.org/minutes", now=NOW)
    assert "Cambodia" in wrong.value.message and "/profile set" in wrong.value.message
    assert posted.created and not again.created and again.update.id == posted.update.id
    assert await count(app, ActionUpdate) == 1
    async with app.db.begin() as session:
        assert (await service.summary(session, "KH", now=NOW + timedelta(days=1))).moved == ()  # type: ignore[union-attr]
        with pytest.raises(NotAllowed):
            await service.confirm(session, MEMBER, posted.update.id)
        confirmed, did = await service.confirm(session, FACILITATOR, posted.update.id, now=NOW)
        _, twice = await service.confirm(session, FACILITATOR, posted.update.id, now=NOW)
        summary = await service.summary(session, "KH", now=NOW + timedelta(days=1))
    assert did and not twice and confirmed.confirmed_by == 11
    assert summary is not None and [a.id for a in summary.moved] == [action.id]


async def test_moved_since_last_month_and_overdue(app: App) -> None:
    old = await add(app, title="Old action", target="2026-12-10")
    await add(app, title="Fresh action", target="2027-06-01")
    service = app.service(PlanService)
    later = NOW + timedelta(days=40)  # 2027-01-11
    async with app.db.begin() as session:
        await service.set_status(session, FACILITATOR, old.id + 1, "under way", now=later - timedelta(days=3))
        summary = await service.summary(session, "KH", now=later)
    assert summary is not None
    assert [a.title for a in summary.overdue] == ["Old action"]
    assert [a.title for a in summary.moved] == ["Fresh action"]  # its status changed 3 days ago


async def test_a_milestone_falling_due_is_announced_once(app: App) -> None:
    action = await add(app, target="2026-12-05")
    service = app.service(PlanService)
    async with app.db.begin() as session:
        assert await service.announce_due(session, now=NOW) == []  # not yet due
        due = await service.announce_due(session, now=NOW + timedelta(days=3))
        again = await service.announce_due(session, now=NOW + timedelta(days=4))
        rows = (await session.scalars(select(OutboxDelivery))).all()
    assert [m.action.id for m in due] == [action.id] and again == []
    assert [(r.kind, r.channel_id) for r in rows] == [("plans.due", ANNOUNCEMENTS)]


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "plans.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


async def test_import_is_all_or_nothing_and_names_every_problem(app: App, tmp_path: Path) -> None:
    bad = write(tmp_path, {"plans": [
        {"country": "Cambodia", "recommendations": [{"text": "R1", "actions": [
            {"title": "A", "owner": "Org", "target": "2027-01-01"},
            {"title": "B", "owner": "Org", "target": "2020-01-01"}]}]},
        {"country": "Narnia", "recommendations": [{"text": "R", "actions": [
            {"title": "C", "owner": "Org", "target": "2027-01-01", "status": "finished"}]}]},
    ]})
    async with app.db.begin() as session:
        with pytest.raises(InvalidInput) as refused:
            await app.service(PlanService).import_plans(session, Actor.cli(), load_plans(bad), now=NOW)
    problems = refused.value.message.splitlines()
    assert any(p.startswith("plans[0].recommendations[0].actions[1].target:") and "past" in p for p in problems)
    assert any(p.startswith("plans[1].country:") for p in problems)
    assert any(p.startswith("plans[1].recommendations[0].actions[0].status:") for p in problems)
    assert len(problems) == 3
    assert await count(app, PlanAction) == 0


async def test_import_twice_stores_nothing_twice_and_export_reads_back(app: App, tmp_path: Path) -> None:
    drafts = [PlanDraft("ລາວ", "Plan", (RecommendationDraft("R1", (ActionDraft("A1", "Org", "2027-01-01"),
                                                                     ActionDraft("A2", "Org", "2027-02-01", "under way"))),))]
    service = app.service(PlanService)
    async with app.db.begin() as session:
        await service.import_plans(session, Actor.cli(), drafts, now=NOW)
        await service.import_plans(session, Actor.cli(), drafts, now=NOW)
        exported = await service.export(session)
    assert await count(app, PlanAction) == 2
    path = write(tmp_path, exported)
    assert exported["plans"][0]["country"] == "LA"
    assert exported["plans"][0]["recommendations"][0]["actions"][1] == {
        "title": "A2", "owner": "Org", "target": "2027-02-01", "status": "under_way"}
    # a month later the exported file (whose dates are now past but unchanged) imports again, changing nothing
    async with app.db.begin() as session:
        await service.import_plans(session, Actor.cli(), load_plans(path), now=NOW + timedelta(days=70))
    assert await count(app, PlanAction) == 2


async def test_the_shipped_example_imports_and_says_it_is_an_example(app: App) -> None:
    path = ROOT / "content" / "plans" / "example.yaml"
    drafts = load_plans(path)
    assert all("EXAMPLE" in a.title for p in drafts for r in p.recommendations for a in r.actions)
    async with app.db.begin() as session:
        [plan] = await app.service(PlanService).import_plans(session, Actor.cli(), drafts, now=NOW)
    assert plan.country == "KH" and len(plan.actions) == 3


# ------------------------------------------------------------------ consultations
async def open_consultation(app: App, **kw: Any) -> Any:
    service = app.service(ConsultationService)
    values = {"title": "Draft SSE decree", "summary": "Views on the draft.", "link": "https://example.org/draft",
              "questions": "What works?\nWhat is missing?", "countries": "Cambodia, ไทย", "closes": "2026-12-20"}
    values.update(kw)
    async with app.db.begin() as session:
        return await service.open(session, FACILITATOR, service.check_draft(now=NOW, **values), now=NOW)


async def test_consultation_drafts_are_checked(app: App) -> None:
    service = app.service(ConsultationService)
    for kw, says in [({"closes": "2026-11-30"}, "past"), ({"questions": "\n".join("Q" * 3 for _ in range(6))}, "at most 5"),
                     ({"countries": "Atlantis"}, "I don't know the country"), ({"link": "javascript:x"}, "https://"),
                     ({"title": ""}, "empty")]:
        values = {"title": "T", "summary": "S", "link": None, "questions": "Q1", "countries": None, "closes": "2027-01-01"}
        values.update(kw)
        with pytest.raises(InvalidInput) as refused:
            service.check_draft(now=NOW, **values)
        assert says in refused.value.message, (kw, refused.value.message)
    info = await open_consultation(app)
    assert info.countries == ("KH", "TH") and [q.position for q in info.questions] == [1, 2]
    assert info.closes_at == datetime(2026, 12, 20, 17, 0, tzinfo=UTC)  # the end of the 20th in Bangkok


async def test_answers_once_per_member_and_question_and_none_after_closing(app: App) -> None:
    info = await open_consultation(app)
    q1 = info.questions[0]
    service = app.service(ConsultationService)
    await profile(app, 22, "KH")
    await profile(app, 33, "TH")
    async with app.db.begin() as session:
        first = await service.answer(session, 22, info.id, q1.id, "First thoughts", now=NOW)
        second = await service.answer(session, 22, info.id, q1.id, "Better thoughts", anonymous=True, now=NOW)
        with pytest.raises(InvalidInput) as long:
            await service.answer(session, 22, info.id, q1.id, "x" * 10_000, now=NOW)
        with pytest.raises(InvalidInput) as closed:
            await service.answer(session, 33, info.id, q1.id, "Late", now=info.closes_at + timedelta(seconds=1))
        mine = await service.mine(session, info.id, 22)
    assert first.created and not second.created
    assert mine == {q1.id: ("Better thoughts", True)}
    assert "10,000 characters" in long.value.message and "closed" in closed.value.message
    assert await count(app, ConsultationAnswer) == 1


async def test_closing_summarises_once_per_question_country_and_glossary_term(app: App) -> None:
    await profile(app, 22, "KH", "cooperative")
    await profile(app, 33, "TH", "government")
    info = await open_consultation(app)
    q1, q2 = info.questions
    service = app.service(ConsultationService)
    async with app.db.begin() as session:
        await service.answer(session, 22, info.id, q1.id, "A cooperative needs simpler registration", now=NOW)
        await service.answer(session, 33, info.id, q1.id, "สหกรณ์ need finance, \"quoted\", commas", anonymous=True, now=NOW)
        await service.answer(session, 22, info.id, q2.id, "A social enterprise status", now=NOW)
        assert await service.close_due(session, now=NOW) == []
        closed = await service.close_due(session, now=info.closes_at)
        assert await service.close_due(session, now=info.closes_at + timedelta(hours=1)) == []
        results = await service.results(session, info.id)
        rows = (await session.scalars(select(OutboxDelivery))).all()
    assert [c.id for c in closed] == [info.id]
    assert [(r.kind, r.user_id) for r in rows] == [("plans.consultation-summary", 11)]  # DM to the opener
    first, second = results.questions
    assert first.by_country == {"KH": 1, "TH": 1} and first.by_term == {"Cooperative": 2}
    assert second.by_term == {"Social enterprise": 1}
    assert results.by_country == {"KH": 1, "TH": 1} and results.by_org_type == {"cooperative": 1, "government": 1}
    data = results.csv()
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(table) == 3
    anonymous = next(r for r in table if r["country"] == "Thailand")
    assert anonymous["member"] == "anonymous" and anonymous["answer"] == "สหกรณ์ need finance, \"quoted\", commas"
    assert anonymous["glossary_terms"] == "Cooperative" and anonymous["question_number"] == "1"
    assert next(r for r in table if r["question_number"] == "2")["member"] == "22"


def test_glossary_terms_are_found_in_every_script_even_without_spaces(app: App) -> None:
    terms = app.service(ConsultationService).terms_in
    assert terms("สหกรณ์ต้องการเงินทุนมากขึ้น") == ("Cooperative",)  # Thai: no spaces between words
    assert terms("Hợp tác xã cần vốn") == ("Cooperative",)
    assert terms("A social enterprise and a cooperative") == ("Social enterprise", "Cooperative")
    assert terms("Nothing in the glossary here") == ()


async def test_privacy_shows_exports_and_forgets_answers_and_updates(app: App) -> None:
    action = await add(app)
    await profile(app, 22, "KH")
    info = await open_consultation(app)
    plans, consult = app.service(PlanService), app.service(ConsultationService)
    async with app.db.begin() as session:
        posted = await plans.post_update(session, 22, action.id, "Progress", now=NOW)
        await plans.confirm(session, Actor(user_id=22, role_ids=frozenset({FACILITATOR_ROLE})), posted.update.id)
        await consult.answer(session, 22, info.id, info.questions[0].id, "My view", anonymous=True, now=NOW)
        shown = await privacy_show(session, 22)
        exported = await privacy_export(session, 22)
        other = await privacy_show(session, 99)
    assert len(shown) == 3 and other == []
    json.dumps(exported)
    assert exported["consultation_answers"][0]["text"] == "My view" and exported["consultation_answers"][0]["anonymous"]
    async with app.db.begin() as session:
        assert await privacy_forget(session, 22) == 2  # the answer and the update (its confirmation goes with it)
        assert await privacy_show(session, 22) == []
    assert await count(app, ConsultationAnswer) == 0 and await count(app, ActionUpdate) == 0


async def test_report_figures_from_a_fixture_with_known_numbers(app: App) -> None:
    """Two countries, five actions in known states, three confirmed updates in two months (one waiting)."""
    plans = app.service(PlanService)
    a = await add(app, title="A1")
    b = await add(app, title="A2")
    await add(app, title="A3")
    c = await add(app, country="Mongolia", title="M1")
    await add(app, country="Mongolia", title="M2")
    await profile(app, 22, "KH")
    async with app.db.begin() as session:
        await plans.set_status(session, FACILITATOR, a.id, "done", now=NOW)
        await plans.set_status(session, FACILITATOR, b.id, "stalled", now=NOW)
        await plans.set_status(session, FACILITATOR, c.id, "under way", now=NOW)
        for when in (NOW, NOW + timedelta(days=1), NOW + timedelta(days=35)):
            posted = await plans.post_update(session, 22, a.id, f"Update {when.date()}", now=when)
            await plans.confirm(session, FACILITATOR, posted.update.id, now=when)
        await plans.post_update(session, 22, a.id, "Waiting", now=NOW)
        figures = await plans.figures(session)
    assert figures == {
        "actions_by_status": {"KH": {"planned": 1, "under_way": 0, "done": 1, "stalled": 1},
                              "MN": {"planned": 1, "under_way": 1, "done": 0, "stalled": 0}},
        "updates_per_month": {"2026-12": 2, "2027-01": 1},
    }
    assert date(2027, 1, 6) == (NOW + timedelta(days=35)).date()


async def test_the_report_section_counts_a_fixture_with_known_numbers(app: App) -> None:
    """KH: 3 actions (1 done, 1 stalled, 1 planned and overdue at the period's end); MN: 2 (1 under
    way); 3 confirmed updates (2 in Dec 2026, 1 in Jan 2027) and 1 waiting; a consultation answered
    by 2 members (one a Thai government member, anonymously) on 2 questions."""
    from bot.report import Period
    from cogs.plans.report import plans_report

    plans = app.service(PlanService)
    a = await add(app, title="A1", target="2026-12-20")
    b = await add(app, title="A2")
    await add(app, title="A3", target="2026-12-10")
    c = await add(app, country="Mongolia", title="M1")
    await add(app, country="Mongolia", title="M2")
    await profile(app, 22, "KH")
    await profile(app, 33, "TH", "government")
    async with app.db.begin() as session:
        await plans.set_status(session, FACILITATOR, a.id, "done", now=NOW)
        await plans.set_status(session, FACILITATOR, b.id, "stalled", now=NOW)
        await plans.set_status(session, FACILITATOR, c.id, "under way", now=NOW)
        for when in (NOW, NOW + timedelta(days=1), NOW + timedelta(days=35)):
            posted = await plans.post_update(session, 22, a.id, f"Update {when.date()}", now=when)
            await plans.confirm(session, FACILITATOR, posted.update.id, now=when)
        await plans.post_update(session, 22, a.id, "Waiting", now=NOW)
    info = await open_consultation(app)
    async with app.db.begin() as session:
        for user in (22, 33):
            for q in info.questions:
                await app.service(ConsultationService).answer(session, user, info.id, q.id, "View",
                                                              anonymous=user == 33, now=NOW)
        [section] = await plans_report(session, Period(date(2026, 12, 1), date(2027, 1, 31),
                                                       NOW + timedelta(days=80)))
    figures = {f.key: f.value for f in section.figures}
    assert figures == {"actions": 5, "actions_done": 1, "actions_overdue": 1, "updates_confirmed": 3,
                       "consultation_members": 2}
    assert section.table("plan_actions_by_status").rows == (
        ("KH", "Cambodia", 1, 0, 1, 1), ("MN", "Mongolia", 1, 1, 0, 0))
    assert section.table("plan_updates_by_month").rows == (
        ("2026-12", "KH", "Cambodia", 2), ("2027-01", "KH", "Cambodia", 1))
    assert section.table("consultation_participation").rows == (
        ("KH", "Cambodia", "cooperative", "Cooperative", 1), ("TH", "Thailand", "government", "Government", 1))


async def test_only_the_audience_countries_answer_and_see_the_consultation(app: App) -> None:
    info = await open_consultation(app)  # Cambodia and Thailand
    everyone = await open_consultation(app, title="For every country", countries="")
    q1 = info.questions[0]
    service = app.service(ConsultationService)
    await profile(app, 33, "TH")
    await profile(app, 44, "MN")
    async with app.db.begin() as session:
        await service.answer(session, 33, info.id, q1.id, "From Thailand", now=NOW)
        with pytest.raises(NotAllowed) as other:
            await service.answer(session, 44, info.id, q1.id, "From Mongolia", now=NOW)
        with pytest.raises(NotAllowed) as nobody:
            await service.answer(session, 55, info.id, q1.id, "No profile", now=NOW)
        # a consultation for every country takes a member without a profile country too
        await service.answer(session, 55, everyone.id, everyone.questions[0].id, "Anyone may answer", now=NOW)
        mongolian = await service.offered(session, Actor(user_id=44), now=NOW)
        newcomer = await service.offered(session, Actor(user_id=55), now=NOW)
        thai = await service.offered(session, Actor(user_id=33), now=NOW)
        facilitator = await service.offered(session, FACILITATOR, now=NOW)
    assert other.value.message == ("Thank you for your interest! This consultation asks members from Cambodia and "
                                   "Thailand, and your profile says Mongolia. If your profile is out of date, change "
                                   "it with /profile set.")
    assert "please set your country with /profile set first" in nobody.value.message
    assert "Cambodia and Thailand" in nobody.value.message
    assert [c.id for c in mongolian[0]] == [everyone.id] and mongolian[1] == 1
    assert [c.id for c in newcomer[0]] == [everyone.id] and newcomer[1] == 1
    assert {c.id for c in thai[0]} == {info.id, everyone.id} and thai[1] == 0
    assert {c.id for c in facilitator[0]} == {info.id, everyone.id} and facilitator[1] == 0
    assert await count(app, ConsultationAnswer) == 2


async def test_status_changes_keep_a_dated_history_and_the_report_counts_statuses_as_they_stood(app: App) -> None:
    from bot.report import Period
    from cogs.plans.report import plans_report

    plans = app.service(PlanService)
    action = await add(app, title="Draft the decree")
    other = await add(app, title="Consult cooperatives")
    async with app.db.begin() as session:
        await plans.set_status(session, FACILITATOR, action.id, "under way", now=NOW)
        await plans.set_status(session, FACILITATOR, action.id, "under way", now=NOW + timedelta(days=1))  # no change
        await plans.set_status(session, FACILITATOR, other.id, "stalled", now=NOW + timedelta(days=2))
        await plans.set_status(session, FACILITATOR, action.id, "done", now=datetime(2027, 1, 10, 3, 0, tzinfo=UTC))
        await plans.import_plans(session, Actor.cli(), [PlanDraft("KH", None, (RecommendationDraft(
            "Adopt an SSE framework", (ActionDraft("Consult cooperatives", "Ministry of Labour", "2027-03-31",
                                                   "under way"),)),))], now=datetime(2027, 1, 12, tzinfo=UTC))
        changed, _country = await plans.action(session, action.id)
        plan = await plans.require_plan(session, "KH")
        december = await plans_report(session, Period(date(2026, 12, 1), date(2026, 12, 31), NOW + timedelta(days=80)))
        january = await plans_report(session, Period(date(2027, 1, 1), date(2027, 1, 31), NOW + timedelta(days=80)))
    assert [(h.from_status, h.to_status, h.changed_at.date().isoformat(), h.changed_by) for h in changed.history] == [
        ("planned", "under_way", "2026-12-02", FACILITATOR.user_id), ("under_way", "done", "2027-01-10", FACILITATOR.user_id)]
    [_, consult] = plan.actions
    assert [(h.from_status, h.to_status, h.changed_by) for h in consult.history] == [
        ("planned", "stalled", FACILITATOR.user_id), ("stalled", "under_way", None)]  # the CLI's import: no member
    shown = plan.as_json()["recommendations"][0]["actions"][0]
    assert shown["history"] == [{"from": "planned", "to": "under_way", "at": "2026-12-02T05:00:00+00:00"},
                                {"from": "under_way", "to": "done", "at": "2027-01-10T03:00:00+00:00"}]
    assert str(FACILITATOR.user_id) not in json.dumps(plan.as_json())  # who changed it stays in the database
    # actions by status as they stood at each period's end, not as they stand now
    [dec], [jan] = december, january
    assert dec.table("plan_actions_by_status").rows == (("KH", "Cambodia", 0, 1, 0, 1),)
    assert jan.table("plan_actions_by_status").rows == (("KH", "Cambodia", 0, 1, 1, 0),)
    assert {f.key: f.value for f in dec.figures}["actions_done"] == 0
    assert {f.key: f.value for f in jan.figures}["actions_done"] == 1


async def test_privacy_covers_the_status_changes_a_facilitator_made(app: App) -> None:
    action = await add(app)
    plans = app.service(PlanService)
    async with app.db.begin() as session:
        await plans.set_status(session, FACILITATOR, action.id, "under way", now=NOW)
        shown = await privacy_show(session, FACILITATOR.user_id)
        exported = await privacy_export(session, FACILITATOR.user_id)
        assert await privacy_forget(session, FACILITATOR.user_id) == 1
        assert await privacy_show(session, FACILITATOR.user_id) == []
        kept, _country = await plans.action(session, action.id)
    assert [(line.label, line.count) for line in shown] == [("action status changes you made", 1)]
    assert exported["action_status_changes"] == [{"action_id": action.id, "from": "planned", "to": "under_way",
                                                  "changed_at": "2026-12-02T05:00:00+00:00"}]
    assert [(h.from_status, h.to_status, h.changed_by) for h in kept.history] == [("planned", "under_way", None)]
