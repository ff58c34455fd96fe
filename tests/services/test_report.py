"""The report's figures against a fixture whose true numbers are known, and its CSV, JSON and PNG
files read back with independent readers (csv, json, Pillow)."""

from __future__ import annotations

import csv
import io
import json
import logging
import struct
import warnings
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.app import App
from bot.catalogues import use_language
from bot.errors import InvalidInput, NotAllowed
from bot.permissions import Actor
from bot.report import Report, csv_files, parse_period
from cogs.profiles.models import MemberProfile, PeerRequest
from cogs.qa.models import Question
from cogs.report.service import ReportService
from cogs.search.models import ArchivedMessage
from cogs.sessions.models import SessionAttendance, SessionFeedback, SessionRsvp, TrainingSession
from tests.conftest import FACILITATOR_ROLE, GUILD_ID, QA_FORUM

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
U1, U2, U3, U4, U5, U6, U7, U8 = range(101, 109)  # U7 and U8 have no profile
FACILITATOR = Actor(1, frozenset({FACILITATOR_ROLE}))


def at(month: int, day: int, hour: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


async def build_fixture(app: App) -> None:
    """Profiles, sessions, RSVPs, attendance, feedback, questions, replies and peer requests with
    known timestamps; the true figures for 2026-10-01..2026-11-30 are in the tests below."""
    async with app.db.begin() as s:
        for uid, country, org, created in [
            (U1, "TH", "cooperative", at(9, 1)), (U2, "TH", "cooperative", at(9, 1)), (U3, "TH", "academia", at(10, 2)),
            (U4, "VN", "government", at(10, 3)), (U5, None, "other", at(11, 1)),
            (U6, "KH", "cooperative", at(12, 1)),  # made after the period: not counted among profiles
        ]:
            s.add(MemberProfile(user_id=uid, country=country, org_type=org, created_at=created, updated_at=created))

        def training(sid: int, start: datetime, *, status: str = "scheduled", recording: datetime | None = None,
                     slides: datetime | None = None) -> TrainingSession:
            """``recording``/``slides``: when that material was added (/session materials)."""
            return TrainingSession(id=sid, title=f"Session {sid}", start_utc=start, end_utc=start + timedelta(hours=1),
                                   original_start_utc=start, timezone="Asia/Bangkok", format="online", status=status,
                                   recording_url=recording and f"https://example.org/r{sid}",
                                   slides_url=slides and f"https://example.org/s{sid}",
                                   recording_added_at=recording, slides_added_at=slides, created_by=1)

        s.add_all([
            training(1, at(10, 10, 10), recording=at(10, 12)),  # held
            training(2, at(11, 5), status="cancelled", slides=at(11, 1)),  # cancelled
            training(3, at(11, 20), recording=at(11, 21), slides=at(11, 19)),  # held
            training(4, at(9, 20), recording=at(10, 3)),  # before the period; its recording came in it
            training(5, at(12, 5), slides=at(12, 1)),  # after it, slides added after it too
        ])
        await s.flush()
        for sid, uid, status, when in [
            (1, U1, "going", at(10, 5)), (1, U2, "going", at(10, 6)), (1, U3, "interested", at(10, 7)),
            (1, U4, "going", at(10, 8)), (1, U7, "going", at(10, 9)), (2, U1, "going", at(11, 1)),
            (3, U2, "going", at(11, 10)), (3, U5, "declined", at(11, 11)), (4, U1, "going", at(9, 15)),
        ]:
            s.add(SessionRsvp(session_id=sid, user_id=uid, status=status, updated_at=when))
        for sid, uid, came in [(1, U1, True), (1, U4, True), (1, U7, True), (1, U3, True), (1, U2, False),
                               (3, U2, True), (4, U1, True)]:
            s.add(SessionAttendance(session_id=sid, user_id=uid, attended=came, recorded_by=1))
        for sid, uid, stars in [(1, U1, 5), (1, U4, 3), (3, U2, 4), (4, U1, 1)]:
            s.add(SessionFeedback(session_id=sid, user_id=uid, rating=stars))

        def question(tid: int, author: int, created: datetime, reply: datetime | None = None,
                     solved: datetime | None = None) -> Question:
            return Question(thread_id=tid, forum_id=QA_FORUM, guild_id=GUILD_ID, author_id=author, title=f"Q{tid}",
                            created_at=created, first_reply_at=reply, solved_at=solved)

        s.add_all([
            question(1, U1, at(10, 1, 10), at(10, 1, 12), at(10, 2, 10)),  # reply 2 h, accepted 24 h
            question(2, U2, at(10, 15), at(10, 15, 6)),  # reply 6 h
            question(3, U3, at(11, 1), at(11, 1, 10), at(11, 3)),  # reply 10 h (a peer), accepted 48 h
            question(4, U4, at(11, 10)),  # routed to a peer, never answered: unanswered for over 7 days
            question(5, U5, at(11, 28)),  # unanswered, but for less than 7 days at the period's end
            question(6, U1, at(9, 1)),  # before the period
            question(7, U2, at(11, 29), at(12, 1, 12)),  # its reply came after the period
        ])
        s.add_all([PeerRequest(question_id=3, peer_user_id=U1, sent_at=at(11, 1, 7)),
                   PeerRequest(question_id=3, peer_user_id=U4, sent_at=at(11, 1, 7)),
                   PeerRequest(question_id=4, peer_user_id=U1, sent_at=at(11, 10, 7))])
        for mid, uid, thread, kind, when in [
            (1001, U4, 1, "answer", at(10, 1, 12)), (1002, U3, 2, "answer", at(10, 15, 6)),
            (1003, U4, 3, "answer", at(11, 1, 10)), (1004, U6, None, "message", at(10, 20)),
            (1005, U1, None, "message", at(11, 2)), (1006, U1, None, "message", at(11, 3)),
            (1007, U8, None, "message", at(11, 15)), (1008, U8, None, "message", at(9, 30)),  # outside
        ]:
            s.add(ArchivedMessage(id=mid, channel_id=thread or 5, thread_id=thread, author_id=uid, kind=kind,
                                  content="text", created_at=when))


async def make(app: App, first: str = "2026-10-01", last: str = "2026-11-30", now: datetime = NOW,
               language: str = "en") -> Report:
    with use_language(language):
        async with app.db.begin() as session:
            return await app.service(ReportService).make(session, FACILITATOR, first, last, now=now)


def figures(report: Report, section: str) -> dict[str, Any]:
    return {f.key: f.value for f in report.section(section).figures}


def rows(report: Report, section: str, table: str) -> list[tuple[Any, ...]]:
    return list(report.section(section).table(table).rows)


async def test_participation_figures(app: App) -> None:
    await build_fixture(app)
    report = await make(app)
    assert figures(report, "participation") == {"members_with_profile": 5, "profile_countries": 2, "active_members": 8}
    assert [(r[0], r[2]) for r in rows(report, "participation", "profiles_by_country")] == [
        ("TH", 3), ("VN", 1), ("", 1)]
    assert {r[0]: r[2] for r in rows(report, "participation", "profiles_by_organisation_type")} == {
        "government": 1, "cooperative": 2, "academia": 1, "other": 1}
    assert {(r[0], r[2]): r[4] for r in rows(report, "participation", "profiles_by_country_and_organisation_type")} == {
        ("TH", "cooperative"): 2, ("TH", "academia"): 1, ("VN", "government"): 1, ("", "other"): 1}
    # posted, RSVPed (any answer) or attended, once per member and month, by the member's profile country
    assert {(r[0], r[1]): r[3] for r in rows(report, "participation", "active_members_by_country_and_month")} == {
        ("2026-10", "TH"): 3, ("2026-10", "VN"): 1, ("2026-10", "KH"): 1, ("2026-10", ""): 1,
        ("2026-11", "TH"): 2, ("2026-11", "VN"): 1, ("2026-11", ""): 2}


async def test_sessions_figures(app: App) -> None:
    await build_fixture(app)
    report = await make(app)
    assert figures(report, "sessions") == {
        "held": 2, "cancelled": 1, "rsvps_going": 5, "rsvps_interested": 1, "attended": 5,
        "attendance_rate": pytest.approx(4 / 5), "feedback": 3, "average_rating": pytest.approx(4.0),
        "sessions_with_materials": 2, "materials_added": 5, "recordings": 3, "slides": 2}
    by_country = {r[0]: r[2:] for r in rows(report, "sessions", "attendance_by_country")}
    assert by_country == {"TH": (3, 2, 3, pytest.approx(2 / 3)), "VN": (1, 1, 1, 1.0), "": (1, 1, 1, 1.0)}
    listed = {r[0]: (r[3], r[4], r[5], r[6], r[7], r[9], r[10]) for r in rows(report, "sessions", "sessions")}
    assert listed == {1: ("held", 4, 1, 4, 2, 1, 0), 2: ("cancelled", 1, 0, 0, 0, 0, 1), 3: ("held", 1, 0, 1, 1, 1, 1)}
    # read in the middle of the period, session 3 has not taken place yet
    early = await make(app, now=at(11, 15))
    assert figures(early, "sessions")["held"] == 1
    assert {r[0]: r[3] for r in rows(early, "sessions", "sessions")}[3] == "upcoming"
    # materials count when they were added, to any session: by 15 November, session 1's and 4's
    # recordings (October) and session 2's slides (1 November); session 3's came later
    assert {k: figures(early, "sessions")[k] for k in ("materials_added", "recordings", "slides")} == {
        "materials_added": 3, "recordings": 2, "slides": 1}


async def test_qa_figures(app: App) -> None:
    await build_fixture(app)
    report = await make(app)
    assert figures(report, "qa") == {
        "asked": 6, "answered": 3, "solved": 2, "median_hours_to_first_reply": pytest.approx(6.0),
        "median_hours_to_accepted_answer": pytest.approx(36.0), "unanswered_over_7_days": 1,
        "routed_to_peers": 2, "routed_to_peers_share": pytest.approx(2 / 6), "answered_by_peers": 1,
        "answered_by_peers_share": pytest.approx(0.5)}
    # an odd count has one middle value: October alone has replies after 2 h and 6 h, one accepted after 24 h
    october = await make(app, "2026-10-01", "2026-10-31")
    assert figures(october, "qa")["median_hours_to_first_reply"] == pytest.approx(4.0)
    assert figures(october, "qa")["median_hours_to_accepted_answer"] == pytest.approx(24.0)


async def test_an_empty_period_has_zeros_and_no_medians(app: App) -> None:
    await build_fixture(app)
    report = await make(app, "2025-01-01", "2025-01-31")
    assert figures(report, "qa")["asked"] == 0 and figures(report, "qa")["median_hours_to_first_reply"] is None
    assert figures(report, "sessions")["attendance_rate"] is None and figures(report, "sessions")["held"] == 0
    assert figures(report, "participation")["active_members"] == 0


async def test_only_facilitators_and_only_readable_periods(app: App) -> None:
    async with app.db.begin() as session:
        with pytest.raises(NotAllowed, match="Only facilitators"):
            await app.service(ReportService).make(session, Actor(5), None, None)
    with pytest.raises(InvalidInput, match="after the end date"):
        parse_period("2026-11-30", "2026-11-01", now=NOW)
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        parse_period("30/11/2026", None, now=NOW)
    default = parse_period(None, None, now=NOW)
    assert (default.first.isoformat(), default.last.isoformat()) == ("2026-11-03", "2026-12-02")


async def test_csv_files_have_one_header_row_and_the_documented_columns(app: App) -> None:
    await build_fixture(app)
    report = await make(app)
    files = dict(csv_files(report))
    headers = {name: next(csv.reader(io.StringIO(data.decode("utf-8")))) for name, data in files.items()}
    assert headers == {
        "summary.csv": ["section", "figure", "value"],
        "profiles_by_country.csv": ["country", "country_name", "members"],
        "profiles_by_organisation_type.csv": ["organisation_type", "organisation_type_name", "members"],
        "profiles_by_country_and_organisation_type.csv": ["country", "country_name", "organisation_type",
                                                          "organisation_type_name", "members"],
        "active_members_by_country_and_month.csv": ["month", "country", "country_name", "members"],
        "rsvps_and_attendance.csv": ["measure", "measure_name", "members"],
        "attendance_by_country.csv": ["country", "country_name", "going", "attended_of_going", "attended",
                                      "attendance_rate"],
        "sessions.csv": ["session_id", "title", "start_utc", "status", "going", "interested", "attended", "feedback",
                         "average_rating", "recording", "slides"],
        "plan_actions_by_status.csv": ["country", "country_name", "planned", "under_way", "done", "stalled"],
        "plan_updates_by_month.csv": ["month", "country", "country_name", "updates"],
        "consultation_participation.csv": ["country", "country_name", "organisation_type", "organisation_type_name",
                                           "members"],
        "questions.csv": ["measure", "measure_name", "questions"],
    }
    summary = list(csv.DictReader(io.StringIO(files["summary.csv"].decode("utf-8"))))
    values = {(r["section"], r["figure"]): r["value"] for r in summary}
    assert values[("qa", "asked")] == "6" and values[("sessions", "attendance_rate")] == "0.8"
    assert values[("qa", "median_hours_to_first_reply")] == "6.0"
    by_country = list(csv.DictReader(io.StringIO(files["attendance_by_country.csv"].decode("utf-8"))))
    assert by_country[0] == {"country": "TH", "country_name": "Thailand", "going": "3", "attended_of_going": "2",
                             "attended": "3", "attendance_rate": "0.6667"}
    assert all(len(r) == len(headers[n]) for n, d in files.items() for r in csv.reader(io.StringIO(d.decode())))


async def test_json_has_the_same_numbers(app: App) -> None:
    from bot.report import json_text

    await build_fixture(app)
    data = json.loads(json_text(await make(app)))
    assert data["period"]["from"] == "2026-10-01" and data["period"]["to"] == "2026-11-30"
    assert data["sections"]["qa"]["figures"]["solved"] == 2
    assert data["sections"]["sessions"]["tables"]["attendance_by_country"][1]["country"] == "VN"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG header (checked without Pillow's help too)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def test_pngs_open_and_thai_labels_use_a_thai_font(app: App, caplog: pytest.LogCaptureFixture) -> None:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    from bot.charts import font_family, png_files

    await build_fixture(app)
    report = await make(app, language="th")
    with caplog.at_level(logging.WARNING, logger="bot.charts"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        files = png_files(report)
    # png_files turns matplotlib's "Glyph … missing from font(s)" warnings into log lines: none here
    assert not [r for r in caplog.records if r.name == "bot.charts"], [r.getMessage() for r in caplog.records]
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert [n for n, _ in files] == ["rsvps_and_attendance.png", "attendance_by_country.png", "questions.png",
                                     "profiles_by_country.png", "profiles_by_organisation_type.png",
                                     "active_members.png", "plan_actions_by_status.png"]
    family = font_family("th")
    assert family[0] == "Noto Sans Thai", f"no Thai font installed (bash .ci/fonts.sh): {family}"
    path = font_manager.findfont(font_manager.FontProperties(family=family[0]), fallback_to_default=False)
    thai_font = FT2Font(path)
    chart = report.section("sessions").charts[1]
    for text in (chart.title, chart.x_label, chart.y_label):
        thai = [ch for ch in text if "\u0e00" <= ch <= "\u0e7f"]
        assert thai, f"label not in Thai: {text!r}"
        assert all(thai_font.get_char_index(ord(ch)) for ch in thai)  # every Thai letter has a glyph
    for _name, data in files:
        width, height = png_size(data)
        assert (width, height) == (800, 480)
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with matplotlib
        return
    for _name, data in files:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (800, 480) and len(image.convert("L").getcolors(maxcolors=100_000) or ()) > 10  # not blank


async def test_a_font_without_thai_is_reported(app: App, caplog: pytest.LogCaptureFixture,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above would catch boxes: with a Latin-only font, the missing Thai glyphs are logged."""
    import bot.charts

    report = await make(app, language="th")
    monkeypatch.setattr(bot.charts, "font_family", lambda language: ("DejaVu Sans",))
    with caplog.at_level(logging.WARNING, logger="bot.charts"):
        bot.charts.png_files(report, report.section("qa").charts)
    assert any("missing from font" in r.getMessage() for r in caplog.records if r.name == "bot.charts")


@pytest.mark.parametrize("language, font", [("km", "Noto Sans Khmer"), ("lo", "Noto Sans Lao"),
                                            ("zh", "Noto Sans CJK SC"), ("ja", "Noto Sans CJK JP"),
                                            ("ko", "Noto Sans CJK KR"), ("vi", "Noto Sans")])
def test_each_script_gets_its_noto_font(language: str, font: str) -> None:
    from bot.charts import font_family

    assert font_family(language)[0] == font


def active_by_month(report: Report) -> dict[str, int]:
    counted: dict[str, int] = {}
    for month, _code, _name, n in rows(report, "participation", "active_members_by_country_and_month"):
        counted[month] = counted.get(month, 0) + n
    return counted


async def test_days_and_months_are_the_communitys_time_zone(app: App) -> None:
    """23:30 UTC on 31 March is 06:30 on 1 April in Bangkok (the test community's zone, UTC+7): the
    post, the question, the RSVP and the session of that moment count in April, not in March."""
    late = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    async with app.db.begin() as s:
        s.add(TrainingSession(id=1, title="Late", start_utc=late, end_utc=late + timedelta(hours=1),
                              original_start_utc=late, timezone="Asia/Bangkok", format="online", created_by=1))
        await s.flush()
        s.add(SessionRsvp(session_id=1, user_id=U1, status="going", updated_at=late))
        s.add(SessionAttendance(session_id=1, user_id=U1, attended=True, recorded_by=1))
        s.add(Question(thread_id=1, forum_id=QA_FORUM, guild_id=GUILD_ID, author_id=U2, title="Q", created_at=late))
        s.add(ArchivedMessage(id=1, channel_id=5, author_id=U3, kind="message", content="text", created_at=late))
    april, march = await make(app, "2026-04-01", "2026-04-30"), await make(app, "2026-03-01", "2026-03-31")
    assert figures(april, "qa")["asked"] == 1 and figures(march, "qa")["asked"] == 0
    assert figures(april, "sessions")["held"] == 1 and figures(march, "sessions")["held"] == 0
    assert [r[2] for r in rows(april, "sessions", "sessions")] == [late.isoformat()]  # the CSV keeps UTC
    assert active_by_month(april) == {"2026-04": 2} and active_by_month(march) == {}
    assert figures(april, "participation")["active_members"] == 2  # U1 (RSVP, attended), U3 (posted)
    both = await make(app, "2026-03-01", "2026-04-30")
    assert active_by_month(both) == {"2026-04": 2}
    assert april.period.as_json()["time_zone"] == "Asia/Bangkok"


async def test_months_follow_daylight_saving_in_a_zone_that_has_it(app: App) -> None:
    """New York is UTC-5 in winter and UTC-4 from 8 March 2026: no fixed offset puts all three posts in
    their month. 04:30 UTC on 1 March is 23:30 on 28 February; 03:30 UTC on 1 April is 23:30 on 31 March;
    04:30 UTC on 1 April is 00:30 on 1 April."""
    async with app.db.begin() as s:
        await app.guild.update(s, Actor.cli(), GUILD_ID, timezone="America/New_York")  # as /setup does
        for mid, uid, when in [(1, U1, datetime(2026, 3, 1, 4, 30, tzinfo=UTC)),
                               (2, U2, datetime(2026, 4, 1, 3, 30, tzinfo=UTC)),
                               (3, U3, datetime(2026, 4, 1, 4, 30, tzinfo=UTC))]:
            s.add(ArchivedMessage(id=mid, channel_id=5, author_id=uid, kind="message", content="text", created_at=when))
    report = await make(app, "2026-02-01", "2026-04-30")
    assert active_by_month(report) == {"2026-02": 1, "2026-03": 1, "2026-04": 1}
    assert [(m, s.isoformat(), e.isoformat()) for m, s, e in report.period.months()] == [
        ("2026-02", "2026-02-01T05:00:00+00:00", "2026-03-01T05:00:00+00:00"),
        ("2026-03", "2026-03-01T05:00:00+00:00", "2026-04-01T04:00:00+00:00"),
        ("2026-04", "2026-04-01T04:00:00+00:00", "2026-05-01T04:00:00+00:00")]
    # the default period ends today in the community's zone: 02:00 UTC on 2 December is still 1 December there
    default = await make(app, "", "", now=datetime(2026, 12, 2, 2, 0, tzinfo=UTC))
    assert default.period.last.isoformat() == "2026-12-01"


async def test_a_material_counts_once_when_it_was_first_added(app: App) -> None:
    """/session materials stores when each link first came; correcting the link later adds nothing."""
    from cogs.sessions.planning import PlanningService

    start = at(10, 10, 10)
    async with app.db.begin() as s:
        s.add(TrainingSession(id=1, title="Co-op law", start_utc=start, end_utc=start + timedelta(hours=1),
                              original_start_utc=start, timezone="Asia/Bangkok", format="online", created_by=1))
    planning = app.service(PlanningService)
    async with app.db.begin() as s:
        await planning.add_materials(s, FACILITATOR, 1, recording="https://example.org/rec", slides=None,
                                     now=at(10, 12))
    async with app.db.begin() as s:  # a month later: the recording's link corrected, the slides added
        await planning.add_materials(s, FACILITATOR, 1, recording="https://example.org/rec-fixed",
                                     slides="https://example.org/slides", now=at(11, 12))
    october, november = await make(app, "2026-10-01", "2026-10-31"), await make(app, "2026-11-01", "2026-11-30")
    assert {k: figures(october, "sessions")[k] for k in ("materials_added", "recordings", "slides")} == {
        "materials_added": 1, "recordings": 1, "slides": 0}
    assert {k: figures(november, "sessions")[k] for k in ("materials_added", "recordings", "slides")} == {
        "materials_added": 1, "recordings": 0, "slides": 1}
