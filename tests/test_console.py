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
