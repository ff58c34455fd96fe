"""The glossary in 13 languages: complete, and the corrections native reviewers asked for kept."""

from __future__ import annotations

import pytest

from bot.content import Content, Term, translation_gaps
from bot.i18n import TRANSLATION_LANGUAGES


def term(content: Content, term_id: str) -> Term:
    return next(t for t in content.terms if t.id == term_id)


def test_every_term_has_a_name_and_definition_and_core_terms_an_explanation_in_every_language(
        shipped_content: Content) -> None:
    gaps = translation_gaps(shipped_content.terms)
    assert set(gaps) == set(TRANSLATION_LANGUAGES)
    assert {lang: g for lang, g in gaps.items() if any(g.values())} == {}
    assert sum(t.core for t in shipped_content.terms) >= 30


def test_every_entry_is_marked_draft_until_a_native_speaker_reviews_it(shipped_content: Content) -> None:
    statuses = {e.status for t in shipped_content.terms for e in t.translations.values()}
    assert statuses <= {"draft", "reviewed"} and "draft" in statuses


# (term, language): the name a reviewer asked for, and names that must not be the name any more.
CORRECTIONS = [
    ("triangular-cooperation", "th", "ความร่วมมือแบบสามเส้า", {"ความร่วมมือไตรภาคี"}),
    ("triangular-cooperation", "zh", "三角合作", {"三方合作"}),
    ("social-economy", "vi", "khu vực kinh tế xã hội", {"kinh tế xã hội"}),
    ("community-supported-agriculture", "vi", "nông nghiệp được cộng đồng hỗ trợ", set()),
    ("association", "ru", "общественное объединение", set()),
    ("worker-cooperative", "ru", "производственный кооператив (артель)", set()),
    ("decent-work", "ms", "pekerjaan yang layak", set()),
    ("mutual-benefit-society", "zh", "互助合作组织", {"互助会"}),
    ("mutual-benefit-society", "ja", "共済団体", {"共済組合"}),
    ("association", "ko", "결사체", {"협회"}),
]


@pytest.mark.parametrize(("term_id", "language", "wanted", "not_the_name"), CORRECTIONS)
def test_reviewers_corrections_hold(shipped_content: Content, term_id: str, language: str, wanted: str,
                                    not_the_name: set[str]) -> None:
    name = term(shipped_content, term_id).name_in(language)
    assert name == wanted
    assert name not in not_the_name


def test_japanese_association_is_not_the_trade_body_word(shipped_content: Content) -> None:
    assert term(shipped_content, "association").name_in("ja") in {"社団", "アソシエーション"}


@pytest.mark.parametrize("language", ["vi", "th", "km", "lo", "mn", "ky"])
def test_triple_bottom_line_keeps_the_english_term_with_a_local_gloss(shipped_content: Content,
                                                                      language: str) -> None:
    entry = term(shipped_content, "triple-bottom-line").translations[language]
    assert entry.name == "Triple bottom line" and entry.gloss
    if language == "vi":
        assert entry.gloss == "ba trụ cột con người – hành tinh – lợi nhuận"


@pytest.mark.parametrize(("term_id", "language", "other_name"), [
    ("credit-union", "vi", "quỹ tín dụng nhân dân"),
    ("credit-union", "fil", "credit cooperative"),
])
def test_names_reviewers_asked_to_add_are_found(shipped_content: Content, term_id: str, language: str,
                                                other_name: str) -> None:
    assert other_name in term(shipped_content, term_id).translations[language].names()
