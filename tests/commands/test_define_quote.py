"""A term with a quotation (exact words of an official text) in /define, the CLI and its JSON, on a
content copy with two fixture terms."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import main
from offline import OfflineDiscord
from tests.conftest import ROOT, base_config

FIXTURE = """terms:
  - id: fixture-quoted
    term: Quoted fixture
    short: The plain-words definition of the fixture.
    explanation: A longer explanation of the fixture term.
    quote:
      text: These are the exact words of an official fixture text, quoted whole.
      source: Fixture resolution, paragraph 5 (2022)
    aliases: [quoted test term]
    related: [fixture-lonely]
    topics: [sse-concepts]
    sources: [Fixture resolution (2022)]
  - id: fixture-lonely
    term: Lonely fixture
    short: A fixture term with nothing related and no quotation.
    explanation: Nothing more to say.
    topics: [governance]
    sources: [Fixture source]
"""
QUOTE = "These are the exact words of an official fixture text, quoted whole."
SOURCE = "Fixture resolution, paragraph 5 (2022)"
LABEL = "The official wording, quoted as adopted:"  # in the reader's language; the quotation never is


@pytest.fixture
def config_data(tmp_path: Path) -> dict[str, Any]:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "glossary" / "zz-fixture.yaml").write_text(FIXTURE, encoding="utf-8")
    return {**base_config(), "content_dir": str(content)}


async def test_define_shows_the_quotation_marked_after_the_plain_words(gw: OfflineDiscord) -> None:
    result = await gw.slash("define", term="quoted fixture")
    assert not result.ephemeral
    description = result.embed["description"]
    assert description == f"The plain-words definition of the fixture.\n\n{LABEL}\n> {QUOTE}\n— {SOURCE}"
    assert "A longer explanation" not in result.text
    sources = await gw.press(result, "Sources", user=gw.facilitator_id)
    assert sources.ephemeral
    assert f"{SOURCE} (the quotation)" in sources.embed["description"]
    assert "Fixture resolution (2022)" in sources.embed["description"]


async def test_a_term_without_related_terms_or_quote_has_neither(gw: OfflineDiscord) -> None:
    result = await gw.slash("define", term="lonely fixture")
    assert [b["label"] for b in result.buttons] == ["Explain more", "Sources"]
    assert ">" not in result.embed["description"]


def test_cli_define_shows_and_exports_the_quotation(
    settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    config = str(settings.config_path)
    assert main(["--config", config, "define", "quoted fixture", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["quote"] == {"text": QUOTE, "source": SOURCE}
    assert data["topics"] == ["sse-concepts"]
    assert main(["--config", config, "define", "quoted fixture"]) == 0
    text = capsys.readouterr().out
    assert f"The plain-words definition of the fixture.\n\n{LABEL}\n> {QUOTE}\n— {SOURCE}\n\n" in text
    assert main(["--config", config, "define", "lonely fixture", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["quote"] is None
