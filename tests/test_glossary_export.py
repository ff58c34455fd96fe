"""``python -m bot glossary export``: approved suggestions written back into the content files, read
back by the bot's own loader, with every other line of the files left as it was."""

from __future__ import annotations

import asyncio
import difflib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.__main__ import main
from bot.app import App
from bot.config import load_settings
from bot.content import load_content
from bot.permissions import Actor
from cogs.glossary.service import GlossaryService
from cogs.glossary_review.service import ReviewService
from tests.conftest import ROOT, base_config

FACILITATOR = Actor(user_id=42, system=True)
LONG = ("An enterprise owned and democratically run by its members, one member one vote, to meet the economic, "
        "social and cultural needs they share; the oldest and largest family of the social and solidarity economy.")
KY_SSE = "социалдык жана тилектештик экономика: «жаңы» аталыш"


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    # a term the Kyrgyz file does not have yet (its entry is written as a new one)
    ky = target / "glossary" / "translations" / "ky.yaml"
    text = ky.read_text(encoding="utf-8")
    start = text.index("\n  social-economy:\n")
    end = text.index("\n  solidarity-economy:\n")
    ky.write_text(text[:start] + text[end:], encoding="utf-8")
    return target


@pytest.fixture
def config_data(content_copy: Path) -> dict[str, Any]:
    return {**base_config(), "content_dir": str(content_copy)}


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Path:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    return Path(settings.config_path)


async def approve(app: App, term: str, language: str, field: str, text: str, edited: str | None = None) -> int:
    review = app.service(ReviewService)
    async with app.db.begin() as session:
        submitted = await review.suggest(session, 7, term, language, field, text)
    async with app.db.begin() as session:
        await review.approve(session, FACILITATOR, submitted.suggestion.id, edited)
    return submitted.suggestion.id


async def approve_a_mix(app: App) -> None:
    await approve(app, "cooperative", "en", "short", LONG)  # a folded English block
    await approve(app, "credit-union", "en", "name", "Credit union: savings & credit")  # needs quotes
    await approve(app, "cooperative", "th", "name", "สหกรณ์ (ชื่อใหม่)")  # an existing entry's field
    await approve(app, "sse", "ky", "explanation", "Биринчи сап.\nЭкинчи сап, \"тырмакча\" менен.")  # a new key
    await approve(app, "sse", "ky", "name", KY_SSE)
    await approve(app, "social-economy", "ky", "short", "Жаңы жазуу.")  # the file has no entry for it
    await approve(app, "cooperative", "ja", "short", "提案の文。", edited="編集した文。")


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


async def with_app(settings: Any, action: Any) -> Any:
    app = await App.create(settings)
    try:
        return await action(app)
    finally:
        await app.close()


def test_export_round_trips_through_the_loader(settings: Any, content_copy: Path, cli_env: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    before = {p: p.read_text(encoding="utf-8") for p in content_copy.rglob("*.yaml")}
    asyncio.run(with_app(settings, approve_a_mix))

    assert main(["--config", str(cli_env), "glossary", "export", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert sorted(report["files"]) == ["glossary/core.yaml", "glossary/translations/ja.yaml",
                                       "glossary/translations/ky.yaml", "glossary/translations/th.yaml"]
    assert len(report["changes"]) == 7 and report["superseded"] == []
    assert {c["reviewer_id"] for c in report["changes"]} == {"42"}, "each change credited to its reviewer"

    content, problems = load_content(content_copy)
    assert problems == []
    terms = {t.id: t for t in content.terms}
    assert terms["cooperative"].short == LONG
    assert terms["credit-union"].term == "Credit union: savings & credit"
    thai = terms["cooperative"].translations["th"]
    assert thai.name == "สหกรณ์ (ชื่อใหม่)" and thai.reviewed == ["name"] and thai.status == "draft"
    ky = terms["sse"].translations["ky"]
    assert ky.name == KY_SSE and ky.explanation == "Биринчи сап.\nЭкинчи сап, \"тырмакча\" менен."
    assert ky.reviewed == ["name", "explanation"]
    assert terms["social-economy"].translations["ky"].short == "Жаңы жазуу."
    assert terms["cooperative"].translations["ja"].short == "編集した文。"

    # only the approved fields' lines moved; everything else is as it was
    th = content_copy / "glossary" / "translations" / "th.yaml"
    assert changed_lines(before[th], th.read_text(encoding="utf-8")) == [
        next(f"-{line}" for line in before[th].splitlines() if line.startswith("    name: \"สหกรณ์\"")),
        '+    name: "สหกรณ์ (ชื่อใหม่)"', "+    reviewed: [name]"]
    core = (content_copy / "glossary" / "core.yaml").read_text(encoding="utf-8")
    assert "    short: >-\n      An enterprise owned and democratically run by its members" in core
    assert max(len(line) for line in core.splitlines() if line.startswith("      An enterprise")) <= 104
    diff = changed_lines(before[content_copy / "glossary" / "core.yaml"], core)
    assert [line for line in diff if not line.startswith(("-      ", "+      "))] == [
        "-    term: Credit union", '+    term: "Credit union: savings & credit"'], "the folded text's lines and one name"
    untouched = [p for p in before if p.relative_to(content_copy).as_posix() not in report["files"]]
    assert all(p.read_text(encoding="utf-8") == before[p] for p in untouched)

    # a second export finds everything in the files already
    assert main(["--config", str(cli_env), "glossary", "export", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["files"] == [] and len(again["already_in_files"]) == 7


def test_export_to_another_folder_leaves_content_alone(settings: Any, content_copy: Path, cli_env: Path,
                                                     tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(with_app(settings, lambda app: approve(app, "cooperative", "th", "name", "สหกรณ์ (ชื่อใหม่)")))
    shipped = (content_copy / "glossary" / "translations" / "th.yaml").read_text(encoding="utf-8")
    out = tmp_path / "out"
    assert main(["--config", str(cli_env), "glossary", "export", "--out", str(out)]) == 0
    assert "1 approved change(s) written to 1 file(s)" in capsys.readouterr().out
    assert [p.relative_to(out).as_posix() for p in out.rglob("*.yaml")] == ["glossary/translations/th.yaml"]
    written = yaml.safe_load((out / "glossary" / "translations" / "th.yaml").read_text(encoding="utf-8"))
    assert written["terms"]["cooperative"]["name"] == "สหกรณ์ (ชื่อใหม่)"
    assert (content_copy / "glossary" / "translations" / "th.yaml").read_text(encoding="utf-8") == shipped


def thai_name(app: App) -> str | None:
    return app.service(GlossaryService).term("cooperative").name_in("th")  # type: ignore[union-attr]


def test_a_later_change_to_the_shipped_file_wins(settings: Any, content_copy: Path, cli_env: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    async def approved(app: App) -> int:
        sid = await approve(app, "cooperative", "th", "name", "สหกรณ์ (ชื่อใหม่)")
        await app.service(GlossaryService).fresh()
        assert thai_name(app) == "สหกรณ์ (ชื่อใหม่)"
        return sid

    sid = asyncio.run(with_app(settings, approved))
    th = content_copy / "glossary" / "translations" / "th.yaml"
    th.write_text(th.read_text(encoding="utf-8").replace('    name: "สหกรณ์"\n', '    name: "สหกรณ์ (แก้ในไฟล์)"\n', 1),
                  encoding="utf-8")
    async def restarted(app: App) -> str | None:
        return thai_name(app)

    fresh = load_settings(settings.config_path, env={"DATABASE_URL": settings.database_url})
    assert asyncio.run(with_app(fresh, restarted)) == "สหกรณ์ (แก้ในไฟล์)", "after a restart, the file's text"
    assert main(["--config", str(cli_env), "glossary", "export", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["files"] == [] and [s["suggestion"] for s in report["superseded"]] == [sid]


def test_the_glossary_command_still_browses(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(cli_env), "glossary", "--letter", "C", "--json"]) == 0
    assert any(item["id"] == "cooperative" for item in json.loads(capsys.readouterr().out))
