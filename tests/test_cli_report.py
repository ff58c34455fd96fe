"""``python -m bot report``: the same figures as /report, as text, JSON, CSV files and PNG files."""

from __future__ import annotations

import asyncio
import csv
import json
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.app import App
from bot.config import Settings
from tests.services.test_report import build_fixture, png_size


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)

    async def fill() -> None:
        app = await App.create(settings)
        try:
            await build_fixture(app)
        finally:
            await app.close()

    asyncio.run(fill())
    return ["--config", str(settings.config_path)]


def test_json_and_csv_and_png(cli: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main([*cli, "report", "--from", "2026-10-01", "--to", "2026-11-30", "--json",
                 "--csv", str(tmp_path / "csv"), "--png", str(tmp_path / "png")])
    out = capsys.readouterr()
    assert code == 0
    data = json.loads(out.out)  # stdout is one JSON document; the files written are listed on stderr
    assert data["sections"]["qa"]["figures"]["asked"] == 6
    assert data["sections"]["sessions"]["figures"]["held"] == 2
    assert "wrote" in out.err and "summary.csv" in out.err
    with (tmp_path / "csv" / "attendance_by_country.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["country", "country_name", "going", "attended_of_going", "attended", "attendance_rate"]
    assert rows[1][:5] == ["TH", "Thailand", "3", "2", "3"]
    assert png_size((tmp_path / "png" / "questions.png").read_bytes()) == (800, 480)


def test_text_in_a_language_and_bad_dates(cli: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import said

    assert main([*cli, "report", "--from", "2026-10-01", "--to", "2026-11-30", "--lang", "vi"]) == 0
    text = capsys.readouterr().out
    assert said("vi", "Questions asked") + ": 6" in text and said("vi", "Participation") in text
    assert main([*cli, "report", "--from", "2026-11-30", "--to", "2026-11-01"]) == 2
    assert "after the end date" in capsys.readouterr().err
