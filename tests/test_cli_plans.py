"""``python -m bot plans ...`` and ``consultations ...``: the same services as Discord, from a terminal."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from bot.__main__ import main
from bot.app import App
from bot.permissions import Actor
from cogs.plans.consultations import ConsultationService
from tests.conftest import ROOT
from tests.services.test_plans import profile
from tests.test_cli_sessions import cli  # noqa: F401  (the fixture)


def plan_file(tmp_path: Path, target: str, country: str = "Mongolia") -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump({"plans": [{"country": country, "title": "Plan", "recommendations": [
        {"text": "Recognise herder cooperatives", "actions": [
            {"title": "Draft the amendment", "owner": "Ministry", "target": target, "status": "under way"}]}]}]}),
        encoding="utf-8")
    return path


def test_import_list_show_export_round_trip(cli: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    target = (datetime.now(UTC) + timedelta(days=90)).strftime("%Y-%m-%d")
    path = plan_file(tmp_path, target)
    assert main([*cli, "plans", "import", str(path)]) == 0
    assert main([*cli, "plans", "import", str(path)]) == 0  # twice: nothing stored twice
    capsys.readouterr()
    assert main([*cli, "plans", "list", "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["country"] == "MN" and listed["counts"] == {"planned": 0, "under_way": 1, "done": 0, "stalled": 0}
    assert main([*cli, "plans", "show", "Монгол", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["recommendations"][0]["actions"][0]["target"] == target
    assert shown["recommendations"][0]["actions"][0]["history"] == []  # made "under way": no change yet
    path.write_text(path.read_text(encoding="utf-8").replace("under way", "stalled"), encoding="utf-8")
    assert main([*cli, "plans", "import", str(path)]) == 0
    capsys.readouterr()
    assert main([*cli, "plans", "show", "MN", "--json"]) == 0
    [change] = json.loads(capsys.readouterr().out)["recommendations"][0]["actions"][0]["history"]
    assert (change["from"], change["to"]) == ("under_way", "stalled") and set(change) == {"from", "to", "at"}
    assert main([*cli, "plans", "show", "MN"]) == 0
    assert "status under_way -> stalled" in capsys.readouterr().out
    path.write_text(path.read_text(encoding="utf-8").replace("stalled", "under way"), encoding="utf-8")
    assert main([*cli, "plans", "import", str(path)]) == 0
    out = tmp_path / "export.yaml"
    assert main([*cli, "plans", "export", "-o", str(out)]) == 0
    exported = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert exported["plans"][0]["recommendations"][0]["actions"][0] == {
        "title": "Draft the amendment", "owner": "Ministry", "target": target, "status": "under_way"}
    assert main([*cli, "plans", "import", str(out)]) == 0
    capsys.readouterr()
    assert main([*cli, "plans", "export", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["plans"][0]["recommendations"][0]["actions"]) == 1


def test_import_refuses_a_file_with_any_problem_naming_its_place(cli: list[str], tmp_path: Path,  # noqa: F811
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*cli, "plans", "import", str(plan_file(tmp_path, "2001-01-01", country="Atlantis"))]) == 2
    err = capsys.readouterr().err
    assert "plans[0].country" in err and "plans[0].recommendations[0].actions[0].target" in err and "past" in err
    assert main([*cli, "plans", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main([*cli, "plans", "import", str(ROOT / "content" / "plans" / "example.yaml")]) == 0
    assert main([*cli, "plans", "show", "Atlantis"]) != 0


async def test_consultations_list_and_export(cli: list[str], app: App, tmp_path: Path,  # noqa: F811
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert await asyncio.to_thread(main, [*cli, "consultations", "export", "1"]) != 0  # a clear message, no traceback
    assert "no consultation #1" in capsys.readouterr().err.lower()
    service = app.service(ConsultationService)
    for member in (7, 8):
        await profile(app, member, "KH")
    closes = (datetime.now(UTC) + timedelta(days=5)).strftime("%Y-%m-%d")
    async with app.db.begin() as session:
        info = await service.open(session, Actor.cli(), service.check_draft(
            title="Draft law", summary="S", link=None, questions="Q1?\nQ2?", countries="KH", closes=closes))
        await service.answer(session, 7, info.id, info.questions[0].id, "Ответ, с запятой", anonymous=True)
        await service.answer(session, 8, info.id, info.questions[1].id, "ຄຳຕອບ")
    assert await asyncio.to_thread(main, [*cli, "consultations", "list", "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["title"] == "Draft law" and listed["answered_by"] == 2 and listed["countries"] == ["KH"]
    out = tmp_path / "answers.csv"
    assert await asyncio.to_thread(main, [*cli, "consultations", "export", str(info.id), "-o", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert [(r["question_number"], r["member"], r["answer"]) for r in rows] == [
        ("1", "anonymous", "Ответ, с запятой"), ("2", "8", "ຄຳຕອບ")]
