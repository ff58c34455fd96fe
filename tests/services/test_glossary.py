"""The glossary service: any language, alias or typo finds the term; never an empty answer."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.errors import InvalidInput
from bot.i18n import TRANSLATION_LANGUAGES
from bot.text import fold
from cogs.glossary.service import Definition, GlossaryService, Miss


def test_ships_at_least_80_terms_and_30_core_terms_in_13_languages(app: App) -> None:
    terms = app.content.terms
    assert len(terms) >= 80
    core = [t for t in terms if t.core]
    assert len(core) >= 30
    for t in core:
        assert all(t.name_in(lang) for lang in TRANSLATION_LANGUAGES), t.id
        assert all(e.status == "draft" for e in t.translations.values())
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


def test_a_near_miss_suggests_the_closest_names_first(app: App) -> None:
    glossary = app.service(GlossaryService)
    near = glossary.define("solidarity finanse coop bank")
    assert isinstance(near, Miss)
    assert near.suggestions and near.suggestions[0].value == "social-finance", near.suggestions
    assert all(glossary.term(s.value) for s in near.suggestions)
    partial = glossary.define("bank")
    assert isinstance(partial, Miss) and partial.suggestions
    assert all("bank" in s.name.casefold() for s in partial.suggestions), partial.suggestions


@pytest.mark.parametrize("query", ["qqqqzzzz", "blockchain", "climate"])
def test_nothing_close_means_no_suggestions_rather_than_an_alphabetical_list(app: App, query: str) -> None:
    result = app.service(GlossaryService).define(query)
    assert isinstance(result, Miss)
    assert result.suggestions == ()


def test_every_name_alias_and_translation_of_every_shipped_term_leads_to_it(app: App) -> None:
    glossary = app.service(GlossaryService)
    terms = app.content.terms
    shared: dict[str, set[str]] = {}
    for t in terms:
        for text in [t.term, *t.aliases, *t.search_aliases, *(n for n, _ in t.local_names())]:
            shared.setdefault(fold(text), set()).add(t.id)
    wrong = []
    for t in terms:
        for text in [t.term, *t.aliases, *t.search_aliases]:
            found = glossary.define(text)
            if not (isinstance(found, Definition) and found.id == t.id):
                wrong.append((t.id, text, getattr(found, "id", found)))
        for text, _lang in t.local_names():
            found = glossary.define(text)
            # a local name two terms share (生活協同組合) may lead to either of them
            if not (isinstance(found, Definition) and found.id in shared[fold(text)] and t.id in shared[fold(text)]):
                wrong.append((t.id, text, getattr(found, "id", found)))
    assert wrong == []


def test_a_terms_name_without_its_country_finds_it(app: App) -> None:
    glossary = app.service(GlossaryService)
    qualified = [t for t in app.content.terms if t.term.endswith(")") and " (" in t.term]
    assert qualified
    for t in qualified:
        short = t.term.rsplit(" (", 1)[0]
        others = [o for o in app.content.terms if o.id != t.id]
        if any(fold(o.term) == fold(short) or fold(o.term).startswith(fold(short) + " (")
               or fold(short) in map(fold, o.aliases) for o in others):
            continue  # "Cooperative (Philippines)": "cooperative" is another term's own name
        found = glossary.define(short)
        assert isinstance(found, Definition) and found.id == t.id, (short, found)


def test_search_aliases_find_the_term_but_are_not_shown(app: App) -> None:
    glossary = app.service(GlossaryService)
    with_typos = [t for t in app.content.terms if t.search_aliases]
    assert with_typos
    for t in with_typos:
        for typo in t.search_aliases:
            found = glossary.define(typo)
            assert isinstance(found, Definition) and found.id == t.id, typo
            assert typo not in found.aliases


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
