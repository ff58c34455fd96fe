"""``python -m bot sessions ...``: the same services as Discord, from a terminal."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import Settings
from tests.conftest import FakeCatalogue


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    return ["--config", str(settings.config_path)]


def programme(tmp_path: Path, start: str, **extra: object) -> Path:
    entry = {"title": "SSE statistics webinar", "start": start, "timezone": "Asia/Seoul", "duration_minutes": 60,
             "languages": ["en", "ko"], "countries": ["KR", "JP"], "join_url": "https://zoom.us/j/9", **extra}
    path = tmp_path / "programme.yaml"
    import yaml

    path.write_text(yaml.safe_dump({"sessions": [entry]}), encoding="utf-8")
    return path


def test_import_then_list_json_then_ics(cli: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    start = (datetime.now(UTC) + timedelta(days=10)).strftime("%Y-%m-%d") + " 10:00"
    assert main([*cli, "sessions", "import", str(programme(tmp_path, start, repeat="monthly", occurrences=2))]) == 0
    capsys.readouterr()
    assert main([*cli, "sessions", "list", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert [i["title"] for i in items] == ["SSE statistics webinar"] * 2
    first = items[0]
    assert first["timezone"] == "Asia/Seoul" and first["rsvp"] == {"going": 0, "interested": 0, "declined": 0}
    assert datetime.fromisoformat(first["start_utc"]).hour == 1  # 10:00 in Seoul is 01:00 UTC
    assert main([*cli, "sessions", "ics", str(first["id"]), "--series"]) == 0
    ics = capsys.readouterr().out
    assert "RRULE:FREQ=MONTHLY" in ics and "COUNT=2" in ics and "TZID=Asia/Seoul" in ics


def test_import_refuses_a_programme_with_any_bad_entry(cli: list[str], tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*cli, "sessions", "import", str(programme(tmp_path, "2001-01-01 10:00"))]) == 2
    err = capsys.readouterr().err
    assert "sessions[0] (SSE statistics webinar)" in err and "in the past" in err
    assert main([*cli, "sessions", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main([*cli, "sessions", "import", str(tmp_path / "missing.yaml")]) == 2


def test_edit_and_cancel_from_the_cli_through_the_same_services(cli: list[str], tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    start = (datetime.now(UTC) + timedelta(days=10)).strftime("%Y-%m-%d") + " 10:00"
    assert main([*cli, "sessions", "import", str(programme(tmp_path, start, repeat="weekly", occurrences=3))]) == 0
    capsys.readouterr()
    assert main([*cli, "sessions", "list", "--json"]) == 0
    first, second, _third = json.loads(capsys.readouterr().out)
    new_day = (datetime.now(UTC) + timedelta(days=12)).strftime("%Y-%m-%d")
    assert main([*cli, "sessions", "edit", str(first["id"]), "--start", f"{new_day} 11:30", "--title",
                 "SSE statistics webinar (moved)", "--json"]) == 0
    edited = json.loads(capsys.readouterr().out)
    assert edited["saved"] and edited["changed"] == ["title", "start"]
    [moved] = edited["sessions"]
    assert moved["title"] == "SSE statistics webinar (moved)"
    assert datetime.fromisoformat(moved["start_utc"]).strftime("%H:%M") == "02:30"  # 11:30 in Seoul
    assert edited["start_read"]["read_back"].endswith("02:30 UTC")
    # a start in words is read back and saved only with --yes
    assert main([*cli, "sessions", "edit", str(second["id"]), "--start", "tomorrow 9am", "--json"]) == 1
    unsaved = json.loads(capsys.readouterr().out)
    assert unsaved["saved"] is False and "Asia/Seoul" in unsaved["start_read"]["read_back"]
    assert main([*cli, "sessions", "edit", str(second["id"]), "--start", "tomorrow 9am", "--yes"]) == 0
    assert "start read as" in capsys.readouterr().out
    assert main([*cli, "sessions", "edit", str(second["id"]), "--start", "03/04 10:00"]) == 2
    assert "can be read two ways" in capsys.readouterr().err
    assert main([*cli, "sessions", "cancel", str(second["id"]), "--series", "--reason", "Speaker ill", "--json"]) == 0
    cancelled = json.loads(capsys.readouterr().out)
    assert [s["status"] for s in cancelled["sessions"]] == ["cancelled", "cancelled"]
    assert main([*cli, "sessions", "cancel", str(second["id"])]) == 2
    assert "already cancelled" in capsys.readouterr().err
    assert main([*cli, "sessions", "list", "--json"]) == 0
    assert [i["id"] for i in json.loads(capsys.readouterr().out)] == [first["id"]]


def test_list_prints_in_the_language_asked_for(cli: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               fake_catalogue: FakeCatalogue) -> None:
    fake_catalogue("th", {"No upcoming sessions.": "ไม่มีเซสชันที่กำลังจะมาถึง",
                          "going {going}, interested {interested}": "ไป {going} สนใจ {interested}"})
    assert main([*cli, "sessions", "list", "--lang", "th"]) == 0
    assert capsys.readouterr().out.strip() == "ไม่มีเซสชันที่กำลังจะมาถึง"
    start = (datetime.now(UTC) + timedelta(days=10)).strftime("%Y-%m-%d") + " 10:00"
    assert main([*cli, "sessions", "import", str(programme(tmp_path, start))]) == 0
    capsys.readouterr()
    assert main([*cli, "sessions", "list", "--lang", "ไทย"]) == 0  # a language's name works too
    listed = capsys.readouterr().out
    assert "ไป 0 สนใจ 0" in listed and "01:00 น. UTC" in listed  # 10:00 in Seoul, as Thai writes it
    assert main([*cli, "sessions", "list"]) == 0
    assert "going 0, interested 0" in capsys.readouterr().out
    assert main([*cli, "sessions", "list", "--lang", "klingon"]) == 2
    assert "unknown language 'klingon'" in capsys.readouterr().err


def crlf(printed: str) -> bytes:
    """The feed as written to standard output, with the CRLF line ends a captured text stream may lose."""
    return printed.replace("\r\n", "\n").replace("\n", "\r\n").encode()


def test_feed_writes_the_public_calendar_feed(cli: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.feed_check import read_feed, shown

    start = (datetime.now(UTC) + timedelta(days=10)).strftime("%Y-%m-%d") + " 10:00"
    assert main([*cli, "sessions", "import", str(programme(tmp_path, start, repeat="weekly", occurrences=3))]) == 0
    capsys.readouterr()
    out = tmp_path / "feed.ics"
    assert main([*cli, "sessions", "feed", "--out", str(out)]) == 0
    assert f"wrote {out}: 1 event" in capsys.readouterr().err  # one series: one event with its RRULE
    cal, occurrences = read_feed(out.read_bytes())
    assert main([*cli, "sessions", "list", "--json"]) == 0
    listed = sorted(datetime.fromisoformat(i["start_utc"]) for i in json.loads(capsys.readouterr().out))
    assert shown(occurrences) == listed and len(listed) == 3
    assert cal.x_wr_calname.value == "SSE community sessions" and b"zoom.us" not in out.read_bytes()
    assert main([*cli, "sessions", "feed", "--country", "Japan"]) == 0  # any name of the country
    assert len(read_feed(crlf(capsys.readouterr().out))[1]) == 3
    assert main([*cli, "sessions", "feed", "--language", "th"]) == 0
    assert read_feed(crlf(capsys.readouterr().out))[1] == []
    assert main([*cli, "sessions", "feed", "--country", "Atlantis"]) == 2
    assert "No such calendar feed." in capsys.readouterr().err
