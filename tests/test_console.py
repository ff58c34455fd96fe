"""The console: a person types commands and presses buttons by number."""

from __future__ import annotations

import io

from bot.console import run_console


async def test_console_answers_commands_and_presses_buttons(settings) -> None:  # type: ignore[no-untyped-def]
    script = "\n".join([
        "/define coop",
        "2",  # the second related-term button
        "/define term:cooperative language:th",
        "?/define 合作",
        "/resources country:Thailand",
        "3",  # Next ▶
        "/define",
        "/nosuch",
        ":quit",
    ]) + "\n"
    out = io.StringIO()
    assert await run_console(settings, stdin=io.StringIO(script), out=out) == 0
    text = out.getvalue()
    assert "== Cooperative ==" in text
    assert "(pressed Worker cooperative)" in text and "== Worker cooperative ==" in text
    assert "== สหกรณ์ — Cooperative ==" in text
    assert "合作社 — Cooperative" in text  # autocomplete suggestion
    assert "page 2 of" in text
    assert "/define needs: term" in text
    assert "no command /nosuch" in text
    assert "Discord would reject" not in text


async def test_console_fills_forms_and_runs_every_capability(settings) -> None:  # type: ignore[no-untyped-def]
    script = "\n".join([
        "/ask",
        "How do I register a weaving cooperative?",  # the form's fields, one per line
        "We are 12 weavers in Khon Kaen.",
        "Thailand",
        "",
        "/search weaving",
        ":as facilitator",
        "/session times start:2026-12-01 09:00 timezone:Asia/Bangkok countries:Kyrgyzstan, Japan",
        ":quit",
    ]) + "\n"
    out = io.StringIO()
    assert await run_console(settings, stdin=io.StringIO(script), out=out) == 0
    text = out.getvalue()
    assert "── form: Ask the community" in text
    assert "new post in #qa-forum: How do I register a weaving cooperative?" in text
    assert "== Search: “weaving” ==" in text and "1 result" in text
    assert "Kyrgyzstan" in text and "outside working hours" in text
