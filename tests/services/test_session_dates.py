"""Natural dates and times for sessions, read in the facilitator's language and zone (issue 14)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.app import App
from bot.dates import AmbiguousDate, read_start
from bot.errors import InvalidInput
from cogs.sessions.parsing import SessionDraft
from cogs.sessions.planning import PlanningService
from tests.services.test_sessions import FAC, NOW, draft

# NOW is Tue 1 Dec 2026, 03:00 UTC: 10:00 in Bangkok, 11:00 in Ulaanbaatar.


@pytest.mark.parametrize(("typed", "zone", "languages", "expected_utc"), [
    ("tomorrow 3pm", "Asia/Ulaanbaatar", (), datetime(2026, 12, 2, 7, 0, tzinfo=UTC)),
    ("20/12/2026 10am", "Asia/Bangkok", (), datetime(2026, 12, 20, 3, 0, tzinfo=UTC)),
    ("พรุ่งนี้ 15:00", "Asia/Bangkok", ("th",), datetime(2026, 12, 2, 8, 0, tzinfo=UTC)),
    ("ngày mai 9:30", "Asia/Ho_Chi_Minh", ("vi",), datetime(2026, 12, 2, 2, 30, tzinfo=UTC)),
    ("завтра 15:00", "Asia/Bishkek", ("ky",), datetime(2026, 12, 2, 9, 0, tzinfo=UTC)),
    ("next Monday 14:00", "Asia/Tokyo", (), datetime(2026, 12, 7, 5, 0, tzinfo=UTC)),
    ("3 December 2026 14:00", "Asia/Bangkok", (), datetime(2026, 12, 3, 7, 0, tzinfo=UTC)),
    ("20 ธันวาคม 2569 14:00", "Asia/Bangkok", ("th",), datetime(2026, 12, 20, 7, 0, tzinfo=UTC)),  # Buddhist era
])
def test_natural_dates_in_the_facilitators_language_and_zone(typed: str, zone: str, languages: tuple[str, ...],
                                                             expected_utc: datetime) -> None:
    read = read_start(typed, zone, now=NOW, languages=languages)
    assert read.utc == expected_utc and not read.exact and read.typed == typed


@pytest.mark.parametrize(("typed", "expected_utc"), [
    ("2026-12-03 14:00", datetime(2026, 12, 3, 7, 0, tzinfo=UTC)),
    ("2026/12/03 14:00", datetime(2026, 12, 3, 7, 0, tzinfo=UTC)),
    ("03.04.2027 14:00", datetime(2027, 4, 3, 7, 0, tzinfo=UTC)),  # the dotted exact format stays day-first
    ("2569-12-03 14:00", datetime(2026, 12, 3, 7, 0, tzinfo=UTC)),  # a Thai Buddhist-era year
])
def test_exact_formats_keep_their_meaning(typed: str, expected_utc: datetime) -> None:
    read = read_start(typed, "Asia/Bangkok", now=NOW)
    assert read.utc == expected_utc and read.exact


def test_a_date_that_reads_two_ways_is_never_guessed() -> None:
    with pytest.raises(AmbiguousDate) as err:
        read_start("03/04 10:00", "Asia/Bangkok", now=NOW)
    message = err.value.message
    assert "“03/04 10:00”" in message  # what was typed is kept
    assert "Sat, Apr 3, 2027, 10:00" in message and "Thu, Mar 4, 2027, 10:00" in message  # Babel, the reader's locale
    assert "**2027-04-03 10:00**" in message and "**2027-03-04 10:00**" in message
    assert {r.date() for r in err.value.readings} == {date(2027, 4, 3), date(2027, 3, 4)}
    # a day above 12 settles it
    assert read_start("13/04/2027 10:00", "Asia/Bangkok", now=NOW).utc == datetime(2027, 4, 13, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(("typed", "zone", "message"), [
    ("whenever suits", "Asia/Bangkok", "Examples that work"),
    ("tomorrow", "Asia/Bangkok", "no time"),
    ("14 March 2027 2:30am", "America/New_York", "does not exist"),  # a DST gap
    ("", "Asia/Bangkok", "Please give a start"),
])
def test_unreadable_and_nonexistent_times_are_refused_politely(typed: str, zone: str, message: str) -> None:
    with pytest.raises(InvalidInput) as err:
        read_start(typed, zone, now=NOW)
    assert message in err.value.message


async def test_a_natural_start_in_the_past_is_refused(app: App) -> None:
    async with app.db.begin() as session:
        with pytest.raises(InvalidInput) as err:
            await app.service(PlanningService).create(session, FAC, draft(start="yesterday 10:00"), now=NOW)
    assert "in the past" in err.value.message


def test_planning_warns_about_working_hours_in_audience_countries_and_names_them(app: App) -> None:
    planning = app.service(PlanningService)
    # 08:00 in Bangkok is 07:00 in Bishkek (before 09:00) and 09:00 in Manila
    early = planning.preview_create(FAC, draft(start="2026-12-10 08:00", countries="TH, KG, PH"), now=NOW)
    assert early.exact and [(t.country, f"{t.local:%H:%M}") for t in early.outside_hours] == [
        ("KG", "07:00"), ("TH", "08:00")]
    fine = planning.preview_create(FAC, draft(start="2026-12-10 14:00", countries="TH, KG, PH"), now=NOW)
    assert fine.outside_hours == ()
    # no audience countries means every member country
    every = planning.preview_create(FAC, SessionDraft(title="Open", start="2026-12-10 17:30", timezone="Asia/Bangkok"),
                                    now=NOW)
    assert {t.country for t in every.outside_hours} >= {"JP", "KR", "CN", "MN"}
    assert "KG" not in {t.country for t in every.outside_hours}
