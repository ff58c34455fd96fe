"""The resource catalogue: filters by country, topic, type, language; typed values are forgiven."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.countries import PROGRAMME_CODES
from bot.errors import InvalidInput
from cogs.resources.service import ResourceService


def test_ships_at_least_40_resources_covering_every_programme_country(app: App) -> None:
    resources = app.content.resources
    assert len(resources) >= 40
    covered = {c for r in resources for c in r.countries}
    assert set(PROGRAMME_CODES) <= covered
    assert any(r.type == "resolution" and r.year == 2022 for r in resources)
    assert any(r.type == "resolution" and r.year == 2023 for r in resources)


@pytest.mark.parametrize("typed", ["Viet Nam", "vietnam", "VN", "Việt Nam"])
def test_country_names_and_aliases_filter_the_same(app: App, typed: str) -> None:
    filters = app.service(ResourceService).parse_filters(country=typed)
    page = app.service(ResourceService).search(filters, page_size=1000)
    assert page.total > 0
    assert all("VN" in r.countries for r in page.items)


def test_filters_combine(app: App) -> None:
    filters = app.service(ResourceService).parse_filters(topic="legal frameworks", type="law", country="Thailand")
    page = app.service(ResourceService).search(filters, page_size=1000)
    assert page.total >= 1
    assert all(r.type == "law" and "TH" in r.countries and "legal-frameworks" in r.topics for r in page.items)


def test_query_ranks_title_matches_first(app: App) -> None:
    page = app.service(ResourceService).search(app.service(ResourceService).parse_filters(query="resolution decent work"))
    assert page.items and "decent work" in page.items[0].title.lower()


def test_pages_hold_five_and_clamp(app: App) -> None:
    filters = app.service(ResourceService).parse_filters()
    first = app.service(ResourceService).search(filters, page=1)
    assert len(first.items) == 5 and first.pages == -(-first.total // 5)
    last = app.service(ResourceService).search(filters, page=999)
    assert last.page == first.pages


@pytest.mark.parametrize("field", ["country", "topic", "type", "language"])
def test_unknown_filter_values_get_suggestions(app: App, field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        app.service(ResourceService).parse_filters(**{field: "Atlantis"})
    assert err.value.suggestions


def test_language_filter_accepts_names(app: App) -> None:
    filters = app.service(ResourceService).parse_filters(language="Bahasa Indonesia")
    assert filters.language == "id"
    page = app.service(ResourceService).search(filters, page_size=1000)
    assert page.total >= 1 and all("id" in r.languages for r in page.items)


def test_filter_autocomplete_is_bounded_and_relevant(app: App) -> None:
    assert [c.value for c in app.service(ResourceService).complete_country("thai")] == ["Thailand"]
    assert "Lao PDR" in [c.value for c in app.service(ResourceService).complete_country("laos")]
    assert len(app.service(ResourceService).complete_topic("")) <= 25
    assert "policy-brief" in [c.value for c in app.service(ResourceService).complete_type("brief")]
    assert "th" in [c.value for c in app.service(ResourceService).complete_language("ไทย")]


def test_views_carry_status_and_label(app: App) -> None:
    service = app.service(ResourceService)
    page = service.search(service.parse_filters(country="Kyrgyzstan"), page_size=1000)
    study = next(r for r in page.items if r.id == "ilo-sse-asia-study-kyrgyzstan")
    assert study.status == "validated_draft" and study.year is None
    assert study.status_label == "validated draft, Dec 2023"
    assert all(r.status_label for r in page.items)
