"""/report through the real discord.py code path: facilitators get the summary and the files,
privately; everyone else, and bad dates, get a polite private answer."""

from __future__ import annotations

import csv
import io
import zipfile

from bot.app import App
from offline import OfflineDiscord
from tests.conftest import said
from tests.services.test_report import build_fixture, png_size

PERIOD = {"from": "2026-10-01", "to": "2026-11-30"}


async def test_a_facilitator_gets_the_summary_charts_and_csv_privately(gw: OfflineDiscord, app: App) -> None:
    await build_fixture(app)
    result = await gw.slash("report", user=gw.facilitator_id, **PERIOD)
    assert result.ephemeral and result.message["allowed_mentions"]["parse"] == []
    fields = {f["name"]: f["value"] for f in result.embed["fields"]}
    assert "Questions asked: 6" in fields["Questions and answers"]
    assert "Median time to first reply (hours): 6" in fields["Questions and answers"]
    assert "Sessions held: 2" in fields["Sessions"] and "Attendance rate (of those going): 80%" in fields["Sessions"]
    assert "Members with a profile: 5" in fields["Participation"]
    assert "2026" in result.embed["title"]
    assert "Asia/Bangkok" in result.embed["description"]  # days and months are the community's
    files = dict(result.files)
    pngs = sorted(n for n in files if n.endswith(".png"))
    assert pngs == ["active_members.png", "attendance_by_country.png", "plan_actions_by_status.png",
                    "profiles_by_country.png", "profiles_by_organisation_type.png", "questions.png",
                    "rsvps_and_attendance.png"]
    assert all(png_size(files[n]) == (800, 480) for n in pngs)
    with zipfile.ZipFile(io.BytesIO(files["report-2026-10-01-2026-11-30-csv.zip"])) as archive:
        summary = list(csv.DictReader(io.StringIO(archive.read("summary.csv").decode("utf-8"))))
        assert "sessions.csv" in archive.namelist()
    assert {(r["section"], r["figure"]): r["value"] for r in summary}[("qa", "solved")] == "2"
    assert len(result.files) <= 10


async def test_the_summary_reads_in_the_facilitators_language(gw: OfflineDiscord, app: App) -> None:
    await build_fixture(app)
    result = await gw.slash("report", user=gw.facilitator_id, locale="th", **PERIOD)
    names = [f["name"] for f in result.embed["fields"]]
    assert said("th", "Questions and answers") in names and said("th", "Participation") in names
    assert result.embed["title"].startswith(said("th", "Report: {period}", period="")[:6])


async def test_members_who_are_not_facilitators_are_refused_politely(gw: OfflineDiscord, app: App) -> None:
    await build_fixture(app)
    refused = await gw.slash("report", user=gw.member_id, **PERIOD)
    assert refused.ephemeral and "Only facilitators can see the report" in refused.text
    assert not refused.files and refused.message["allowed_mentions"]["parse"] == []


async def test_bad_periods_get_a_clear_private_error(gw: OfflineDiscord) -> None:
    backwards = await gw.slash("report", user=gw.facilitator_id, **{"from": "2026-11-30", "to": "2026-11-01"})
    assert backwards.ephemeral and "after the end date" in backwards.text and not backwards.files
    unreadable = await gw.slash("report", user=gw.facilitator_id, **{"from": "last tuesday @everyone"})
    assert unreadable.ephemeral and "YYYY-MM-DD" in unreadable.text and not unreadable.files
    assert unreadable.message["allowed_mentions"]["parse"] == []
    assert "@everyone" not in unreadable.text.replace("@\u200beveryone", "")  # echoed inert


async def test_without_dates_the_last_30_days(gw: OfflineDiscord) -> None:
    result = await gw.slash("report", user=gw.facilitator_id)
    assert result.ephemeral and result.embed["fields"]
    assert "Questions asked: 0" in {f["name"]: f["value"] for f in result.embed["fields"]}["Questions and answers"]


async def test_a_thai_facilitator_gets_charts_with_thai_axes(gw: OfflineDiscord, app: App) -> None:
    """Through Discord with the Thai locale: every attached PNG opens (800x480) and is titled and has both
    axes labelled in Thai (read back from the file's text chunks with Pillow, not from the report)."""
    from PIL import Image

    await build_fixture(app)
    result = await gw.slash("report", user=gw.facilitator_id, locale="th", **PERIOD)
    pngs = {n: d for n, d in result.files if n.endswith(".png")}
    assert len(pngs) == 7
    for name, data in pngs.items():
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (800, 480), name
            text = dict(image.text)  # type: ignore[attr-defined]
        for key in ("Title", "X axis", "Y axis"):
            assert any("\u0e00" <= ch <= "\u0e7f" for ch in text[key]), (name, key, text[key])
    with Image.open(io.BytesIO(pngs["attendance_by_country.png"])) as image:
        assert dict(image.text)["X axis"] == said("th", "Country")  # type: ignore[attr-defined]
