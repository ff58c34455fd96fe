"""The glossary service: any language, alias or typo finds the term; never an empty answer."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.errors import InvalidInput
from bot.i18n import TRANSLATION_LANGUAGES
from cogs.glossary.service import Definition, GlossaryService, Miss


def test_ships_at_least_80_terms_and_30_core_terms_in_13_languages(app: App) -> None:
    terms = app.content.terms
    assert len(terms) >= 80
    core = [t for t in terms if t.core]
    assert len(core) >= 30
    for t in core:
        assert set(TRANSLATION_LANGUAGES) <= set(t.translations), t.id
        assert t.translation_status == "draft"
        assert t.sources


@pytest.mark.parametrize(
    "query",
    ["cooperative", "Cooperative", "co-op", "COOP", "cooprative", "สหกรณ์", "合作社", "협동조합", "hợp tác xã",
     "hop tac xa", "кооператив", "koperasi", "協同組合", "សហករណ៍"],
)
def test_any_language_alias_or_typo_finds_cooperative(app: App, query: str) -> None:
    result = app.service(GlossaryService).define(query)
    assert isinstance(result, Definition), result
    # koperasi is also the Indonesian form's own entry; either is a right answer for that word.
    assert result.id in ({"cooperative", "koperasi"} if query == "koperasi" else {"cooperative"})


def test_answer_in_the_requested_language_marks_drafts(app: App) -> None:
    result = app.service(GlossaryService).define("cooperative", "th")
    assert isinstance(result, Definition)
    assert result.local_name == "สหกรณ์"
    assert result.draft_translation
    english = app.service(GlossaryService).define("cooperative", "en")
    assert isinstance(english, Definition) and english.local_name is None


def test_a_miss_always_offers_suggestions(app: App) -> None:
    near = app.service(GlossaryService).define("social enterprize certification")
    assert isinstance(near, (Miss, Definition))
    nothing = app.service(GlossaryService).define("qqqqzzzz")
    assert isinstance(nothing, Miss)
    assert 1 <= len(nothing.suggestions) <= 5
    assert all(app.service(GlossaryService).term(s.value) for s in nothing.suggestions)


@pytest.mark.parametrize("bad", ["", "   ", "\u200b\u200b", "\u200d\ufeff "])
def test_empty_input_is_a_polite_error(app: App, bad: str) -> None:
    with pytest.raises(InvalidInput, match="empty"):
        app.service(GlossaryService).define(bad)


def test_very_long_input_is_a_polite_error(app: App) -> None:
    with pytest.raises(InvalidInput, match="under 100"):
        app.service(GlossaryService).define("cooperative " * 900)


def test_zero_width_characters_do_not_hide_a_term(app: App) -> None:
    result = app.service(GlossaryService).define("co\u200bop\u200derative")
    assert isinstance(result, Definition) and result.id == "cooperative"


def test_autocomplete_matches_every_script_and_stays_within_25(app: App) -> None:
    for typed, expected in [("coop", "cooperative"), ("合作", "cooperative"), ("สหกร", "cooperative"),
                            ("soc ent", "social-enterprise"), ("협동", "cooperative"), ("decnt work", "decent-work")]:
        choices = app.service(GlossaryService).autocomplete(typed)
        assert 1 <= len(choices) <= 25
        assert expected in [c.value for c in choices], (typed, choices[:5])
        assert all(1 <= len(c.name) <= 100 and len(c.value) <= 100 for c in choices)


def test_autocomplete_with_nothing_typed_lists_core_terms(app: App) -> None:
    choices = app.service(GlossaryService).autocomplete("")
    assert len(choices) == 25
    assert all(app.service(GlossaryService).term(c.value).core for c in choices)  # type: ignore[union-attr]


def test_related_terms_resolve_to_names(app: App) -> None:
    result = app.service(GlossaryService).define("sse")
    assert isinstance(result, Definition)
    assert result.related and all(name for _, name in result.related)
