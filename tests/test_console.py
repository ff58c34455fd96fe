"""The console: a person types commands and presses buttons by number."""

from __future__ import annotations

import io

from bot.console import run_console


async def test_console_answers_commands_and_presses_buttons(settings) -> None:  # type: ignore[no-untyped-def]
    script = "\n".join([
        "/define coop",
        "2",  # Related terms
        "2",  # the second related term
        "/define term:cooperative language:th",
        "?/define 合作",
        "/resources country:Thailand",
        "3",  # Next ▶
        "/define",
        "/nosuch",
        "/help",
        ":quit",
    ]) + "\n"
    out = io.StringIO()
    assert await run_console(settings, stdin=io.StringIO(script), out=out) == 0
    text = out.getvalue()
    assert "== Cooperative ==" in text
    assert "(pressed Related terms)" in text and "== Related to Cooperative ==" in text
    assert "(pressed Worker cooperative)" in text and "== Worker cooperative ==" in text
    assert "== สหกรณ์ — Cooperative ==" in text
    assert "合作社 — Cooperative" in text  # autocomplete suggestion
    assert "page 2 of" in text
    assert "/define needs: term" in text
    assert "no command /nosuch" in text
    assert "== SSE community bot ==" in text and "• `/glossary browse` — " in text  # the bot's /help, not the console's
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


def segments(text: str) -> dict[str, str]:
    """The console's answer to each piped line (it echoes every line after '> ')."""
    out: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("> "):
            current = line[2:]
            out.setdefault(current, "")
        elif current is not None:
            out[current] += line + "\n"
    return out


async def test_console_survives_odd_input_and_says_what_went_wrong(settings) -> None:  # type: ignore[no-untyped-def]
    odd = {
        "?/search register scope:q": "questions",  # fixed choices: listed by the client, never asked of the bot
        "?/search register solved:t": "no suggestions",
        "/search x author:me": "== Search: “x” ==",  # 'me' is the console member
        "/search x author:nobody-here": "no member 'nobody-here'",
        "/search x scope:everything": "choose one of questions, discussions, all",
        "/search x solved:perhaps": "answer true or false",
        ":say #nope hello": "no channel #nope",
        ":say": ":say [#channel] TEXT",
        "/ses": "did you mean /session",
        "/session": "/session needs a subcommand",
        "/session nosuch": "/session needs a subcommand",
        "/define": "/define needs: term",
        "/": "type a command after /",
        "?/define": "type part of an option value",
        "?": "autocomplete is ?/command",
        ":frobnicate": "unknown :frobnicate",
        ":": "unknown :",
        ":as nobody": ":as member | helper | facilitator",
        ":locale xx": "unknown locale 'xx'",
        ":reply not in a post": "you are not in a forum post",
        ":menu Mark as answer": "you are not in a forum post",
        ":menu nosuch": ":menu NAME, one of: Mark as answer",
        ":post no bar here": ":post TITLE | TEXT",
        "99": "no such button",
        "💥\u200b\u0000ñ": "commands start with /",
        "/define term:\u202e\u0301zzz": "== ",
    }
    script = "\n".join([*odd, "", "   ", "/define coop", ":quit"]) + "\n"
    out = io.StringIO()
    assert await run_console(settings, stdin=io.StringIO(script), out=out) == 0
    text = out.getvalue()
    answers = segments(text)
    for line, expected in odd.items():
        assert expected in answers[line], f"{line!r} answered {answers[line]!r}"
    assert "Traceback" not in text and "could not do that" not in text
    assert "== Cooperative ==" in answers["/define coop"]  # still working after all that
    assert answers[":quit"] == ""


async def test_say_posts_where_search_finds_it(settings) -> None:  # type: ignore[no-untyped-def]
    script = ":say hello-marker from the console\n/search hello-marker\n:quit\n"
    out = io.StringIO()
    assert await run_console(settings, stdin=io.StringIO(script), out=out) == 0
    answer = segments(out.getvalue())["/search hello-marker"]
    assert "1 result" in answer and "from the console" in answer


async def test_the_console_member_is_the_same_person_across_roles_and_restarts(settings) -> None:  # type: ignore[no-untyped-def]
    first = ":say rattan marker one\n:as facilitator\n:say rattan marker two\n:quit\n"
    assert await run_console(settings, stdin=io.StringIO(first), out=io.StringIO()) == 0
    out = io.StringIO()
    assert await run_console(settings, stdin=io.StringIO("/search rattan author:me\n:quit\n"), out=out) == 0
    answer = segments(out.getvalue())["/search rattan author:me"]
    assert "2 result" in answer and "marker one" in answer and "marker two" in answer


async def test_a_forum_post_with_a_reply_can_be_solved_from_the_console(settings) -> None:  # type: ignore[no-untyped-def]
    script = "\n".join([
        ":post Where is seed money for weavers? | Our weaving group needs a loom.",
        ":reply The village fund lends for looms.",
        "/solved",
        ":leave",
        "/search loom scope:questions solved:true",
        ":quit",
    ]) + "\n"
    out = io.StringIO()
    assert await run_console(settings, stdin=io.StringIO(script), out=out) == 0
    answers = segments(out.getvalue())
    assert "new post" not in answers[":post Where is seed money for weavers? | Our weaving group needs a loom."]
    assert "Marked as solved" in answers["/solved"]
    assert "Where is seed money for weavers?" in answers["/search loom scope:questions solved:true"]


async def test_mark_as_answer_menu_works_from_the_console(settings) -> None:  # type: ignore[no-untyped-def]
    script = "\n".join([
        ":post Cassava drying? | How do we dry cassava in the rainy season?",
        ":reply Solar dryers work, see the resource list.",
        ":menu mark as answer",
        ":leave",
        "/search cassava scope:questions solved:true",
        ":quit",
    ]) + "\n"
    out = io.StringIO()
    assert await run_console(settings, stdin=io.StringIO(script), out=out) == 0
    answers = segments(out.getvalue())
    assert "Marked as solved" in answers[":menu mark as answer"]
    assert "Cassava drying?" in answers["/search cassava scope:questions solved:true"]


async def test_help_lists_every_meta_command_and_each_is_understood(settings) -> None:  # type: ignore[no-untyped-def]
    from bot.console import META

    names = [name for name, _usage, _text in META if name != "quit"]
    script = ":help\n" + "".join(f":{name}\n" for name in names) + ":quit\n"
    out = io.StringIO()
    assert await run_console(settings, stdin=io.StringIO(script), out=out) == 0
    answers = segments(out.getvalue())
    for name in [*names, "quit"]:
        assert f":{name}" in answers[":help"]
    for name in names:
        assert "unknown :" not in answers[f":{name}"], name


def test_the_cli_console_uses_its_own_database(settings, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bot.__main__ import main

    production = tmp_path / "production.db"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{production}")
    monkeypatch.setattr("sys.stdin", io.StringIO(":say kept in the console db\n:quit\n"))
    assert main(["--config", str(settings.config_path), "console"]) == 0
    assert (tmp_path / "data" / "console.db").exists()
    assert not production.exists()

    monkeypatch.setattr("sys.stdin", io.StringIO(":quit\n"))
    assert main(["--config", str(settings.config_path), "console", "--db", str(tmp_path / "mine.db")]) == 0
    assert (tmp_path / "mine.db").exists() and not production.exists()


async def test_status_lists_a_parked_delivery_and_retries_it(settings) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from bot.app import App
    from bot.digest import week_key
    from tests.conftest import ANNOUNCEMENTS

    app = await App.create(settings)
    async with app.db.begin_write() as session:
        await app.outbox.enqueue(session, "digest:test", "digest.weekly", channel_id=ANNOUNCEMENTS,
                                 params={"week": week_key(datetime.now(UTC))})
        (row,) = await app.outbox.rows(session, statuses=("pending",))
        await app.outbox.park(session, row.id, "403 Missing Permissions")
    await app.close()

    script = ":status\n:status retry 99999\n:status retry all\n:status retry\n:quit\n"
    out = io.StringIO()
    assert await run_console(settings, stdin=io.StringIO(script), out=out) == 0
    answers = segments(out.getvalue())
    shown = answers[":status"]
    assert f"#{row.id} digest.weekly to channel {ANNOUNCEMENTS}" in shown and "403 Missing Permissions" in shown
    assert f":status retry {row.id}" in shown
    assert "0 parked deliveries put back" in answers[":status retry 99999"]
    assert "Not parked: 99999" in answers[":status retry 99999"]
    assert "1 parked delivery put back" in answers[":status retry all"]
    assert "! :status retry ID" in answers[":status retry"]


async def test_console_edits_a_question_whose_country_was_unknown(settings) -> None:  # type: ignore[no-untyped-def]
    script = "\n".join([
        "/ask",
        "Village funds and cooperatives",
        "How do village funds lend to cooperatives?",
        "Atlantis",
        "",
        "1",  # Edit my question: the form comes back filled in
        "",  # Enter keeps the title
        "",  # ... and the question
        "ລາວ",
        "",
        "/country name:ລາວ",
        ":quit",
    ]) + "\n"
    out = io.StringIO()
    assert await run_console(settings, stdin=io.StringIO(script), out=out) == 0
    text = out.getvalue()
    assert "don't know the country" in text and "[Village funds and cooperatives; Enter keeps it]" in text
    assert "new post in #qa-forum: Village funds and cooperatives" in text
    assert "== Lao PDR: social and solidarity economy ==" in text
