"""Glossary content that officials cite: quoted definitions carry their source, and no maintainer note reaches members."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.content import MAINTAINER_NOTE, load_content

CONTENT = Path(__file__).resolve().parent.parent / "content"


def _terms() -> dict:
    content, problems = load_content(CONTENT)
    assert problems == []
    return {t.id: t for t in content.terms}


def test_sse_quotes_the_ilc_definition_with_its_source() -> None:
    quote = _terms()["sse"].quote
    assert quote is not None
    assert quote.text.startswith("The SSE encompasses enterprises, organizations and other entities")
    assert "voluntary cooperation and mutual aid, democratic and/or participatory governance" in quote.text
    # cut to fit: whole sentences, then an ellipsis
    assert quote.text.endswith("livelihoods. […]")
    assert "International Labour Conference, 110th Session, 2022" in quote.source


def test_member_facing_glossary_text_has_no_maintainer_note() -> None:
    for term in _terms().values():
        texts = [term.term, term.short, term.explanation, *term.sources]
        if term.quote:
            texts += [term.quote.text, term.quote.source]
        for text in texts:
            assert not MAINTAINER_NOTE.search(text), (term.id, text)


def _messages(tmp_path: Path, quote: str) -> list[str]:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    (target / "glossary" / "zz-quote.yaml").write_text(
        "terms:\n  - id: barter-club\n    term: Barter club\n    short: x\n    explanation: y\n"
        f"{quote}    topics: [sse-concepts]\n    sources: [z]\n", encoding="utf-8")
    _, problems = load_content(target)
    return [str(p) for p in problems]


def test_a_quote_needs_text_and_source_and_fits_1000_characters(tmp_path: Path) -> None:
    assert _messages(tmp_path / "fine", "    quote:\n      text: Exact words.\n      source: A law (2005)\n") == []
    no_source = _messages(tmp_path / "nosource", "    quote:\n      text: Exact words.\n")
    assert any("zz-quote.yaml" in m and "quote.source" in m for m in no_source), no_source
    too_long = _messages(tmp_path / "long", f"    quote:\n      text: {'word ' * 201}\n      source: A law\n")
    assert any("zz-quote.yaml" in m and "quote.text" in m for m in too_long), too_long
