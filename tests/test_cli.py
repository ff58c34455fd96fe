"""The CLI calls the same services as Discord; JSON output is for scripts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.__main__ import main
from tests.conftest import said


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, settings) -> Path:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    return settings.config_path


def test_define_json_in_a_language(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(cli_env), "define", "cooperative", "--lang", "vi", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == "cooperative"
    assert data["term"] == "Cooperative"
    assert data["definition"]
    assert data["local_name"] == data["translations"]["vi"]
    assert len(data["translations"]) == 13


def test_define_miss_json_has_suggestions(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(cli_env), "define", "solidarity finanse coop bank", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["error"] and data["suggestions"]
    assert data["suggestions"][0]["id"] == "social-finance"


def test_define_far_miss_json_says_nothing_is_close(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(cli_env), "define", "zzqqx", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["error"] and data["suggestions"] == []
    assert "resources" in data["hint"]


def test_glossary_lists_by_topic_and_country_and_gives_an_overview(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(cli_env), "glossary", "--topic", "finance", "--country", "Thailand", "--lang", "th",
                 "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert "credit-union" in [i["id"] for i in items]
    assert all({"id", "term", "local_name", "gloss", "definition", "lang", "status"} == set(i) for i in items)
    assert main(["--config", str(cli_env), "glossary", "--json"]) == 0
    overview = json.loads(capsys.readouterr().out)
    assert overview["total"] == sum(overview["letters"].values())
    assert main(["--config", str(cli_env), "glossary", "--topic", "traditions", "--country", "China"]) == 1
    assert "No term matches" in capsys.readouterr().out
    assert main(["--config", str(cli_env), "glossary", "--letter", "abc"]) == 2
    assert "Pick one letter" in capsys.readouterr().err


def test_resources_json(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(cli_env), "resources", "--country", "Cambodia", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert items and all("KH" in r["countries"] for r in items)
    assert all({"title", "type", "status", "status_label", "countries", "url"} <= set(r) for r in items)
    # No validation of the Cambodia study is on record (only a February 2024 workshop on preliminary
    # findings), so it is a descriptive title: no publication year, no validation date.
    study = next(r for r in items if r["id"] == "ilo-sse-asia-study-cambodia")
    assert study["status"] == "descriptive_title" and study["year"] is None and study["validated"] is None
    assert study["status_label"] == "descriptive title"


def test_resources_json_gives_a_drafts_validation_date(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(cli_env), "resources", "--country", "Kyrgyzstan", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    study = next(r for r in items if r["id"] == "ilo-sse-asia-study-kyrgyzstan")
    assert study["status"] == "validated_draft" and study["year"] is None and study["validated"] == "December 2023"


def test_resources_bad_filter_is_a_clear_error(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(cli_env), "resources", "--type", "podcastz"]) == 2
    assert "There is no type like that" in capsys.readouterr().err


def test_db_upgrade_reports_the_revision(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from alembic.script import ScriptDirectory

    from db.migrate import alembic_config

    assert main(["--config", str(cli_env), "db", "upgrade"]) == 0
    out = capsys.readouterr().out
    for head in ScriptDirectory.from_config(alembic_config()).get_heads():
        assert head in out


def test_check_passes_on_shipped_content(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(cli_env), "check"]) == 0
    assert "content OK" in capsys.readouterr().out


def test_resources_print_in_the_language_that_lang_names(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(cli_env), "resources", "case study", "--country", "China", "--lang", "ja"]) == 0
    printed = capsys.readouterr().out
    assert said("ja", "validated draft, {when}", when="2020年9月") in printed, "the month as Japanese writes it"
    assert main(["--config", str(cli_env), "resources", "--lang", "klingon"]) == 2
    assert "unknown language 'klingon'" in capsys.readouterr().err
