"""/define through the real discord.py code path: payloads in, REST calls asserted."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import App
from bot.catalogues import use_language
from bot.content import Quotation, Term
from bot.i18n import TRANSLATION_LANGUAGES
from cogs.glossary.service import quote_block
from offline import OfflineDiscord, boot_offline
from tests.conftest import draft_line, said

PUBLIC_BUDGET = 800  # characters of the default public answer, quotation aside (it is shown whole)


def quoted_chars(quote: Quotation | None, language: str) -> int:
    """The characters of the quotation block (shown whole, so outside the budget) as ``language`` shows it."""
    if quote is None:
        return 0
    with use_language(language):
        return len(quote_block(quote)) + 2


def explanation_in(term: Term, language: str) -> str:
    """What "Explain more" shows a reader of ``language``: its explanation, else the English one."""
    entry = term.translations.get(language)
    return entry.explanation if entry and entry.explanation else term.explanation


def public_chars_in(term: Term, language: str) -> int:
    """How long a term's public answer runs in ``language``: name, gloss, definition, other names."""
    entry = term.translations.get(language)
    own = [entry.name, entry.gloss, entry.short, *entry.also] if entry else []
    return len(term.term) + len(entry.short if entry and entry.short else term.short) + sum(
        len(x) for x in own if x) + sum(map(len, term.aliases))


def embed_chars(embed: dict[str, Any]) -> int:
    """The characters an embed shows, counted as Discord counts its 6,000 per message."""
    fields = embed.get("fields") or []
    return (len(embed.get("title", "")) + len(embed.get("description", ""))
            + len((embed.get("footer") or {}).get("text", "")) + sum(len(f["name"]) + len(f["value"]) for f in fields))


async def test_define_answers_publicly_and_briefly_with_buttons_for_the_rest(gw: OfflineDiscord, app: App) -> None:
    result = await gw.slash("define", term="cooperative")
    assert result.response_type == 4
    assert not result.ephemeral
    embed = result.embed
    assert embed["title"] == "Cooperative"
    cooperative = next(t for t in app.content.terms if t.id == "cooperative")
    assert embed["description"] == cooperative.short
    assert cooperative.explanation not in result.text, "the explanation is behind a button"
    assert [f["name"] for f in embed["fields"]] == ["Also called"]
    assert "footer" not in embed, "English names: no draft notice"
    assert [b["label"] for b in result.buttons] == ["Explain more", "Related terms", "Sources"]
    assert [b["custom_id"] for b in result.buttons] == [
        "sse:glossary:explain:cooperative", "sse:glossary:related:cooperative", "sse:glossary:sources:cooperative"]


async def test_the_longest_answer_went_from_thousands_of_characters_to_a_few_hundred(
    gw: OfflineDiscord, app: App
) -> None:
    # Before this change the longest public answer (ilo-resolution-2022) held 2,230 characters in
    # English and 2,420 for a Thai member: definition, explanation, 13 names, related, sources.
    longest = max(app.content.terms, key=lambda t: len(t.short) + len(t.explanation) + sum(map(len, t.aliases))
                  + sum(len(n) for n, _ in t.local_names()) + sum(map(len, t.sources)))
    for language, locale in (("en", "en-US"), ("th", "th")):
        result = await gw.slash("define", term=longest.id, locale=locale)
        assert not result.ephemeral
        # a quoted legal definition is shown whole (it is the authority), so it is not counted
        quoted = quoted_chars(longest.quote, language)
        assert embed_chars(result.embed) - quoted < PUBLIC_BUDGET - 200, (locale, embed_chars(result.embed))
        explained = await gw.press(result, said(language, "Explain more"), user=gw.facilitator_id, locale=locale)
        assert explained.ephemeral
        assert explained.embed["description"] == explanation_in(longest, language)


def check_public_answer(result: Any, term: Term, language: str) -> None:
    assert embed_chars(result.embed) - quoted_chars(term.quote, language) <= PUBLIC_BUDGET, (term.id, language)
    fields = result.embed.get("fields") or []
    assert len(fields) <= 1 and all("\n" not in f["value"] for f in fields), "Also called: one line"


async def test_every_terms_public_answer_stays_under_the_budget(gw: OfflineDiscord, app: App) -> None:
    for term in app.content.terms:
        check_public_answer(await gw.slash("define", term=term.id), term, "en")


@pytest.mark.parametrize("language", TRANSLATION_LANGUAGES)
async def test_the_longest_translated_answers_stay_under_the_budget(
    gw: OfflineDiscord, app: App, language: str
) -> None:
    # The three terms whose answer runs longest in this language (its names, gloss, definition), and
    # the longest "Explain more": every message within Discord's limits (the harness checks each).
    await gw.slash("language", user=gw.member_id, language=language)
    longest = sorted(app.content.terms, key=lambda t: -public_chars_in(t, language))[:3]
    for term in longest:
        check_public_answer(await gw.slash("define", term=term.id, user=gw.member_id), term, language)
    explained = max(app.content.terms, key=lambda t: len(explanation_in(t, language)))
    first = await gw.slash("define", term=explained.id, user=gw.member_id)
    shown = await gw.press(first, said(language, "Explain more"), user=gw.member_id)
    assert shown.embed["description"] == explanation_in(explained, language)


async def test_answer_follows_the_members_discord_locale_with_one_draft_notice(gw: OfflineDiscord) -> None:
    result = await gw.slash("define", term="cooperative", locale="th")
    assert result.embed["title"] == "สหกรณ์ — Cooperative"
    # the reply's small print says it, once, not the embed's fields or footer as well
    assert result.content == draft_line("th")
    assert not any("draft" in f["name"].casefold() for f in result.embed.get("fields", []))
    assert result.text.count(draft_line("th")[3:]) == 1


async def test_private_option_answers_only_the_member(gw: OfflineDiscord) -> None:
    result = await gw.slash("define", term="cooperative", private=True)
    assert result.ephemeral
    assert result.embed["title"] == "Cooperative"
    assert [b["label"] for b in result.buttons] == ["Explain more", "Related terms", "Sources"]
    public = await gw.slash("define", term="cooperative", private=False)
    assert not public.ephemeral


async def test_explicit_language_wins_over_locale(gw: OfflineDiscord) -> None:
    result = await gw.slash("define", term="social enterprise", language="Japanese", locale="th")
    assert result.embed["title"].endswith("— Social enterprise")
    assert "社会的企業" in result.embed["title"]


async def test_lookup_in_another_script_and_with_a_typo(gw: OfflineDiscord) -> None:
    assert (await gw.slash("define", term="合作社")).embed["title"] == "Cooperative"
    assert (await gw.slash("define", term="cooprative")).embed["title"] == "Cooperative"


async def test_explain_more_shows_the_explanation_and_every_name_to_the_presser_only(
    gw: OfflineDiscord, app: App
) -> None:
    first = await gw.slash("define", term="cooperative", user=gw.member_id)
    explained = await gw.press(first, "Explain more", user=gw.facilitator_id, locale="ja")
    assert explained.response_type == 4 and explained.ephemeral
    cooperative = next(t for t in app.content.terms if t.id == "cooperative")
    assert explained.embed["title"] == f"{cooperative.name_in('ja')} — Cooperative", "in the presser's language"
    assert explained.embed["description"] == cooperative.translations["ja"].explanation, "the Japanese explanation"
    fields = {f["name"]: f["value"] for f in explained.embed["fields"]}
    assert "สหกรณ์" in fields[said("ja", "Names in other languages")]
    assert fields[said("ja", "Topics")], "the presser's language for the labels too"
    # one small-print line says the reply is a draft translation; no footer says it again
    assert explained.content == draft_line("ja")
    assert "footer" not in explained.embed
    english = await gw.press(first, "Explain more", user=gw.facilitator_id)
    assert english.embed["description"] == cooperative.explanation
    assert "Names in other languages are draft translations" in english.content, "the drafts an English reader sees"


async def test_related_terms_button_lists_them_with_buttons_that_open_them(gw: OfflineDiscord) -> None:
    first = await gw.slash("define", term="cooperative")
    related = await gw.press(first, "Related terms", user=gw.facilitator_id)
    assert related.ephemeral
    assert related.embed["title"] == "Related to Cooperative"
    assert "**Worker cooperative**" in related.embed["description"]
    assert all(b["custom_id"].startswith("sse:glossary:define:") for b in related.buttons)
    pressed = await gw.press(related, "Worker cooperative", user=gw.facilitator_id)
    assert pressed.ephemeral
    assert pressed.embed["title"] == "Worker cooperative"


async def test_sources_button_lists_every_source_privately(gw: OfflineDiscord, app: App) -> None:
    first = await gw.slash("define", term="sse")
    sources = await gw.press(first, "Sources", user=gw.facilitator_id)
    assert sources.ephemeral
    for source in next(t for t in app.content.terms if t.id == "sse").sources:
        assert source in sources.embed["description"]


@pytest.mark.parametrize(("label", "expect"), [("Explain more", "explanation"), ("Related terms", "Related to"),
                                               ("Sources", "Sources: ")])
async def test_answer_buttons_work_on_a_fresh_bot_after_a_restart(
    gw: OfflineDiscord, app: App, label: str, expect: str
) -> None:
    first = await gw.slash("define", term="decent-work")
    message = gw.messages[first.message_id]
    custom_id = first.button(label)["custom_id"]
    await gw.close()
    _bot, again = await boot_offline(app)  # a new bot process: only the message and its custom ids remain
    try:
        again.messages[first.message_id] = {**message, "channel_id": str(again.channel_id("general"))}
        pressed = await again.click(first.message_id, custom_id, user=again.member_id)
        assert pressed.ephemeral
        decent = next(t for t in app.content.terms if t.id == "decent-work")
        shown = pressed.embed["description"] if expect == "explanation" else pressed.embed["title"]
        assert (decent.explanation == shown) if expect == "explanation" else shown.startswith(expect)
        assert not again.violations
        assert all(i.callback is not None for i in again.interactions)
    finally:
        await again.close()


async def test_related_buttons_keep_working_after_a_restart(gw: OfflineDiscord) -> None:
    # A message posted before the restart: only its custom_id survives, as in Discord.
    message = gw.message_payload("", author=int(gw.bot_user["id"]), channel_id=gw.channel_id("general"))
    message["components"] = [{"type": 1, "components": [
        {"type": 2, "style": 2, "label": "Decent work", "custom_id": "sse:glossary:define:decent-work"}]}]
    gw.messages[int(message["id"])] = message
    result = await gw.click(int(message["id"]), "sse:glossary:define:decent-work")
    assert result.embed["title"] == "Decent work"


async def test_a_forged_button_for_an_unknown_term_is_a_polite_private_answer(gw: OfflineDiscord) -> None:
    message = gw.message_payload("", author=int(gw.bot_user["id"]), channel_id=gw.channel_id("general"))
    message["components"] = [{"type": 1, "components": [
        {"type": 2, "style": 2, "label": "Explain more", "custom_id": "sse:glossary:explain:no-such-term"}]}]
    gw.messages[int(message["id"])] = message
    result = await gw.click(int(message["id"]), "sse:glossary:explain:no-such-term")
    assert result.ephemeral
    assert "no longer in the glossary" in result.embed["description"]


async def test_a_miss_is_private_and_suggests_terms_as_buttons(gw: OfflineDiscord) -> None:
    result = await gw.slash("define", term="solidarity finanse coop bank")
    assert result.ephemeral
    assert result.embed["title"] == "No exact match"
    assert result.buttons, "suggestions come as buttons"
    pressed = await gw.click(result.message_id, result.buttons[0]["custom_id"])
    assert pressed.embed["title"] != "No exact match"


async def test_autocomplete_answers_any_language_within_limits(gw: OfflineDiscord) -> None:
    result = await gw.autocomplete("define", "term", term="협동")
    values = [c["value"] for c in result.choices]
    assert "cooperative" in values
    assert len(result.choices) <= 25
    empty = await gw.autocomplete("define", "term", term="")
    assert len(empty.choices) == 25


async def test_language_autocomplete(gw: OfflineDiscord) -> None:
    result = await gw.autocomplete("define", "language", term="coop", language="kh")
    assert "km" in [c["value"] for c in result.choices]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\u200b\u200c\u200d", "empty"),
        ("x" * 10_000, "too long"),
    ],
)
async def test_bad_input_gets_a_private_polite_answer(gw: OfflineDiscord, term: str, expected: str) -> None:
    result = await gw.slash("define", term=term)
    assert result.ephemeral
    assert expected in result.embed["description"]


@pytest.mark.parametrize("term", ["@everyone", "<@&900000000000000101> help", "**bold** _x_ `code`", "coop @here"])
async def test_mentions_and_markdown_are_never_live(gw: OfflineDiscord, term: str) -> None:
    result = await gw.slash("define", term=term)
    callback = result.callback
    assert callback is not None
    assert callback.json["data"]["allowed_mentions"] == {"parse": []}
    # echoed text is neutralised too, so it cannot even look like a ping
    text = result.text
    assert "@everyone" not in text and "@here" not in text and "<@&9" not in text


async def test_unknown_language_is_a_polite_error(gw: OfflineDiscord) -> None:
    result = await gw.slash("define", term="coop", language="Klingon")
    assert result.ephemeral
    assert "don't know that language" in result.embed["description"]


async def test_nothing_close_says_so_and_offers_a_way_on(gw: OfflineDiscord) -> None:
    result = await gw.slash("define", term="blockchain")
    assert result.ephemeral
    assert result.embed["title"] == "No exact match"
    assert not result.buttons, "no alphabetical junk to press"
    fields = {f["name"]: f["value"] for f in result.embed.get("fields", [])}
    assert "Did you mean" not in fields
    assert "/resources" in fields["Nothing close"]


async def test_a_typo_finds_the_term_and_typos_are_not_shown_as_other_names(gw: OfflineDiscord) -> None:
    result = await gw.slash("define", term="cooperatve")
    assert result.embed["title"] == "Cooperative"
    also = next(f["value"] for f in result.embed["fields"] if f["name"] == "Also called")
    assert "co-op" in also
    assert "cooperatve" not in also and "coperative" not in also


async def test_a_thai_near_miss_finds_the_thai_term(gw: OfflineDiscord) -> None:
    # สหกรณ์การเกษตร (agricultural cooperative) with one letter doubled
    result = await gw.slash("define", term="สหกรณ์การเกษตรร", locale="th")
    assert result.embed["title"] == "สหกรณ์การเกษตร — Agricultural cooperative"


async def test_a_japanese_near_miss_suggests_the_closest_term_first(gw: OfflineDiscord) -> None:
    result = await gw.slash("define", term="協同組")  # 協同組合 (cooperative) cut short
    assert result.embed["title"] == "No exact match"
    labels = [b["label"] for b in result.buttons]
    assert labels and labels[0] == "協同組合 — Cooperative", labels
    assert all(label.startswith("協同組") for label in labels), labels
    pressed = await gw.click(result.message_id, result.buttons[0]["custom_id"])
    assert pressed.embed["title"] == "Cooperative"
