"""The glossary index behind /glossary: letters, topics, countries, pages, the overview."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.content import GLOSSARY_TOPICS
from bot.errors import InvalidInput
from cogs.glossary.browse import OTHER, BrowseFilters, GlossaryIndex, letter_of


@pytest.mark.parametrize(("name", "letter"), [("Cooperative", "C"), ("économie sociale", "E"), ("Ｃoop", "C"),
                                              ("3rd sector", OTHER), ("สหกรณ์", OTHER), ("", OTHER)])
def test_the_index_letter_of_a_name(name: str, letter: str) -> None:
    assert letter_of(name) == letter


def test_every_term_is_listed_once_under_its_letter_and_the_counts_add_up(app: App) -> None:
    index = app.service(GlossaryIndex)
    overview = index.overview()
    assert sum(n for _, n in overview.letters) == overview.total == len(app.content.terms)
    listed = [e.id for letter, _ in overview.letters
              for e in index.browse(BrowseFilters(letter=letter), page_size=1000).items]
    assert sorted(listed) == sorted(t.id for t in app.content.terms)
    assert {t for t, _ in overview.topics} <= set(GLOSSARY_TOPICS)
    assert sum(n for _, n in overview.topics) == sum(len(t.topics) for t in app.content.terms)


def test_pages_cover_the_results_without_overlap(app: App) -> None:
    index = app.service(GlossaryIndex)
    filters = index.parse(letter="S")
    first = index.browse(filters, page=1, page_size=10)
    assert first.pages == -(-first.total // 10) and first.pages >= 2
    seen = [e.id for p in range(1, first.pages + 1) for e in index.browse(filters, page=p, page_size=10).items]
    assert len(seen) == len(set(seen)) == first.total
    assert index.browse(filters, page=99).page == first.pages, "a page past the end shows the last"


def test_filters_parse_what_members_type(app: App) -> None:
    index = app.service(GlossaryIndex)
    assert index.parse(letter=" c ", topic="Decent Work", country="Việt Nam") == BrowseFilters("C", "decent-work", "VN")
    assert index.parse(letter="\u200b", topic="", country=None).empty
    with pytest.raises(InvalidInput, match="Letters with terms: A"):
        index.parse(letter="abc")
    with pytest.raises(InvalidInput, match="no topic like that") as error:
        index.parse(topic="financ")
    assert "finance" in error.value.suggestions
    with pytest.raises(InvalidInput, match="don't know that country"):
        index.parse(country="Narnia")


def test_names_in_the_readers_language(app: App) -> None:
    index = app.service(GlossaryIndex)
    page = index.browse(BrowseFilters(topic="cooperatives"), language="vi", page_size=100)
    cooperative = next(e for e in page.items if e.id == "cooperative")
    assert cooperative.local_name == "hợp tác xã" and cooperative.term == "Cooperative"
