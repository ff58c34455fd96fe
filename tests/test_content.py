"""Every shipped content file validates; broken content is reported with file and line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.content import GLOSSARY_TOPICS, load_content
from cogs.resources.service import TOPICS

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


def test_shipped_content_has_no_problems() -> None:
    content, problems = load_content(CONTENT)
    assert problems == []
    assert len(content.terms) >= 80 and len(content.resources) >= 40


def test_shipped_content_has_no_contact_details() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in CONTENT.rglob("*.yaml"))
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text), "e-mail address in content"
    assert not re.search(r"\+\d[\d\s-]{7,}\d", text), "phone number in content"


def _broken_copy(tmp_path: Path, edit: str) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    (target / "glossary" / "zz-broken.yaml").write_text(edit, encoding="utf-8")
    return target


def test_duplicate_ids_are_reported_with_file_and_line(tmp_path: Path) -> None:
    broken = _broken_copy(tmp_path, """terms:
  - id: cooperative
    term: Copy
    short: x
    explanation: y
    topics: [cooperatives]
    sources: [z]
""")
    _, problems = load_content(broken)
    messages = [str(p) for p in problems]
    assert any("zz-broken.yaml:2" in m and "duplicate id" in m for m in messages), messages


def test_missing_fields_and_dangling_related_terms_are_reported(tmp_path: Path) -> None:
    broken = _broken_copy(tmp_path, """terms:
  - id: new-term
    term: New
    short: x
    explanation: y
    related: [no-such-term]
    topics: [finance]
    sources: [z]
  - id: other-term
    term: Other
    explanation: y
    topics: [finance]
    sources: [z]
""")
    _, problems = load_content(broken)
    messages = [str(p) for p in problems]
    assert any("zz-broken.yaml:2" in m and "unknown term id 'no-such-term'" in m for m in messages), messages
    assert any("zz-broken.yaml:9" in m and "terms[1].short: required key is missing" in m for m in messages), messages


def test_check_command_lists_every_problem(tmp_path: Path) -> None:
    from bot.__main__ import main

    broken = _broken_copy(tmp_path, "terms:\n  - id: Bad Id\n    term: x\n")
    config = tmp_path / "config.yaml"
    config.write_text(f"content_dir: {broken}\n", encoding="utf-8")
    assert main(["--config", str(config), "check"]) == 1


def _resource_copy(tmp_path: Path, entries: str) -> Path:
    """A content copy whose resources.yaml holds only ``entries`` (so line numbers are known)."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    (target / "resources.yaml").write_text("resources:\n" + entries, encoding="utf-8")
    return target


_FINE = """  - id: fine
    title: Fine
    type: report
    status: published
    publisher: ILO
    year: 2015
    topics: [sse-policy]
    languages: [en]
    summary: A real report.
"""


def _resource_problems(tmp_path: Path, entries: str) -> list[str]:
    _, problems = load_content(_resource_copy(tmp_path, _FINE + entries))
    return [str(p) for p in problems]


def test_every_shipped_resource_has_a_status_and_no_maintainer_note() -> None:
    from bot.content import MAINTAINER_NOTE

    content, _ = load_content(CONTENT)
    for r in content.resources:
        assert r.status in ("published", "validated_draft", "descriptive_title", "web_page")
        assert not MAINTAINER_NOTE.search(r.summary), r.id
        if r.status == "validated_draft":
            assert r.year is None and r.validated, r.id


def test_a_fine_fixture_has_no_problems(tmp_path: Path) -> None:
    assert _resource_problems(tmp_path, "") == []


def test_status_is_required(tmp_path: Path) -> None:
    messages = _resource_problems(tmp_path, """  - id: no-status
    title: X
    type: report
    publisher: ILO
    year: 2020
    topics: [sse-policy]
    languages: [en]
    summary: Y.
""")
    assert any("resources.yaml:11" in m and "resources[1].status: required key is missing" in m for m in messages), messages


def test_unfindable_resource_is_rejected(tmp_path: Path) -> None:
    messages = _resource_problems(tmp_path, """  - id: lost
    title: Something we describe
    type: report
    status: descriptive_title
    publisher: ILO
    topics: [sse-policy]
    languages: [en]
    summary: Y.
""")
    assert any("resources.yaml:11" in m and "id=lost" in m and "no way to find it" in m for m in messages), messages


def test_series_or_url_or_web_page_makes_a_resource_findable(tmp_path: Path) -> None:
    messages = _resource_problems(tmp_path, """  - id: in-a-series
    title: A brief we describe
    type: policy-brief
    status: descriptive_title
    publisher: ILO
    series: An ILO brief series
    topics: [sse-policy]
    languages: [en]
    summary: Y.
  - id: a-page
    title: A project page
    type: website
    status: web_page
    publisher: ILO
    topics: [sse-policy]
    languages: [en]
    summary: Y.
  - id: linked
    title: A draft online
    type: country-study
    status: validated_draft
    validated: September 2020
    publisher: ILO
    url: https://example.org/draft
    topics: [sse-policy]
    languages: [en]
    summary: Y.
""")
    assert messages == []


def test_published_needs_a_year_and_a_draft_none(tmp_path: Path) -> None:
    messages = _resource_problems(tmp_path, """  - id: no-year
    title: X
    type: report
    status: published
    publisher: ILO
    topics: [sse-policy]
    languages: [en]
    summary: Y.
  - id: draft-with-year
    title: X
    type: country-study
    status: validated_draft
    validated: September 2020
    year: 2020
    series: Some programme
    publisher: ILO
    topics: [sse-policy]
    languages: [en]
    summary: Y.
  - id: draft-without-date
    title: X
    type: country-study
    status: validated_draft
    series: Some programme
    publisher: ILO
    topics: [sse-policy]
    languages: [en]
    summary: Y.
""")
    assert any("resources.yaml:11" in m and "needs its publication year" in m for m in messages), messages
    assert any("resources.yaml:19" in m and "no publication year" in m for m in messages), messages
    assert any("resources.yaml:30" in m and "needs 'validated'" in m for m in messages), messages


@pytest.mark.parametrize("note", [
    "Publication details are unconfirmed here.", "We could not confirm a final version.", "TODO add the link.",
])
def test_maintainer_notes_in_summaries_are_rejected(tmp_path: Path, note: str) -> None:
    messages = _resource_problems(tmp_path, f"""  - id: noted
    title: X
    type: report
    status: published
    publisher: ILO
    year: 2020
    topics: [sse-policy]
    languages: [en]
    summary: A real report. {note}
""")
    assert any("resources.yaml:11" in m and "id=noted" in m and "note for maintainers" in m for m in messages), messages


_NEW_TERM = """terms:
  - id: barter-club
    term: Barter club
    short: x
    explanation: y
    topics: [finance]
    sources: [z]
"""


def _messages(tmp_path: Path, extra: str) -> list[str]:
    _, problems = load_content(_broken_copy(tmp_path, _NEW_TERM + extra))
    return [str(p) for p in problems]


def test_an_alias_on_two_terms_is_reported(tmp_path: Path) -> None:
    messages = _messages(tmp_path, "    aliases: [swap club, Co-op]\n")
    assert any("zz-broken.yaml:2" in m and "'Co-op' is also a name or alias of cooperative" in m for m in messages), messages
    assert not any("swap club" in m for m in messages), messages


def test_a_misspelt_alias_must_be_search_only(tmp_path: Path) -> None:
    shown = _messages(tmp_path / "shown", "    aliases: [bartre club, barter clubs, swap club]\n")
    assert any("zz-broken.yaml:2" in m and "'bartre club' looks like a misspelling" in m for m in shown), shown
    assert not any("barter clubs" in m or "swap club" in m for m in shown), shown
    hidden = _messages(tmp_path / "hidden", "    aliases: [swap club]\n    search_aliases: [bartre club]\n")
    assert hidden == []


def test_an_alias_that_is_another_terms_translation_is_reported(tmp_path: Path) -> None:
    # 合作社 is already Cooperative's Chinese name: as an alias here it would take /define 合作社 away.
    messages = _messages(tmp_path, "    aliases: [swap club, 合作社]\n")
    assert any("zz-broken.yaml:2" in m and "'合作社' is also a translated name of cooperative" in m
               for m in messages), messages


def test_a_name_that_cannot_be_typed_into_define_is_reported(tmp_path: Path) -> None:
    long_alias = "barter " * 20
    messages = _messages(tmp_path, f"    aliases: [swap club, {long_alias.strip()}]\n")
    assert any("zz-broken.yaml:2" in m and "too long to type into /define" in m for m in messages), messages


def test_shipped_check_passes_the_name_rules(tmp_path: Path) -> None:
    # the fixture term itself is fine: the rules do not fire on an ordinary new term
    assert _messages(tmp_path, "    aliases: [swap club]\n") == []


def test_every_shipped_term_has_one_to_three_known_topics() -> None:
    content, _ = load_content(CONTENT)
    assert all(1 <= len(t.topics) <= 3 and set(t.topics) <= set(GLOSSARY_TOPICS) for t in content.terms)
    # every resource topic is a glossary topic with the same name, so one word means one thing
    assert set(TOPICS) <= set(GLOSSARY_TOPICS)


@pytest.mark.parametrize(("topics", "expected"), [
    ("[finance, blockchain]", "terms[0].topics[1]: Input should be"),
    ("[]", "terms[0].topics: List should have at least 1 item"),
    ("[finance, gender, sdgs, statistics]", "terms[0].topics: List should have at most 3 items"),
    ("[finance, finance]", "a topic is listed twice"),
])
def test_check_rejects_a_term_with_an_unknown_or_missing_topic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], topics: str, expected: str
) -> None:
    from bot.__main__ import main

    broken = _broken_copy(tmp_path, _NEW_TERM.replace("topics: [finance]", f"topics: {topics}"))
    config = tmp_path / "config.yaml"
    config.write_text(f"content_dir: {broken}\n", encoding="utf-8")
    assert main(["--config", str(config), "check"]) == 1
    out = capsys.readouterr()
    text = out.out + out.err
    assert "zz-broken.yaml:" in text and expected in text, text
