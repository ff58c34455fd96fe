"""The programme countries as content (content/countries/*.yaml): the shipped files resolve the
names members type, and each rule of the schema is reported with file and line on a small
broken copy."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from bot.content import load_content
from bot.countries import PROGRAMME_CODES, today

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"

# What members type for each country, in the scripts of the region (issue 11).
TYPED = {
    "KH": ["Cambodia", "Kampuchea", "កម្ពុជា", "cambodia"],
    "CN": ["China", "PRC", "中国", "中國"],
    "ID": ["Indonesia", "indonesia", "ID"],
    "JP": ["Japan", "日本", "japan"],
    "KR": ["Republic of Korea", "South Korea", "Korea", "한국", "대한민국"],
    "KG": ["Kyrgyzstan", "Kyrgyz Republic", "Кыргызстан", "Киргизия"],
    "LA": ["Lao PDR", "Laos", "lao pdr", "Lao People's Democratic Republic", "ລາວ", "ສປປ ລາວ"],
    "MY": ["Malaysia", "MALAYSIA"],
    "MN": ["Mongolia", "Монгол", "Монгол Улс", "Монголия"],
    "PH": ["Philippines", "the philippines", "Pilipinas"],
    "TH": ["Thailand", "ไทย", "ประเทศไทย", "thailand"],
    "VN": ["Viet Nam", "Vietnam", "Việt Nam", "VIET NAM", "vietnam"],
}


def test_the_shipped_countries_are_the_twelve_and_resolve_what_members_type() -> None:
    content, problems = load_content(CONTENT)
    assert problems == []
    countries = content.countries
    assert countries.codes == PROGRAMME_CODES
    for code, spellings in TYPED.items():
        for typed in spellings:
            assert countries.parse(typed) == code, typed
    assert countries.parse("Myanmar") is None, "not a programme country: only a deployment's extra tag"
    assert {c.code for c in countries if "phase-2" in c.programme} == {"KH", "KG", "LA", "MN", "TH", "VN"}
    assert {c.code for c in countries if "phase-1" in c.programme} == {"CN", "ID", "JP", "MY", "PH", "KR"}


def _copy(tmp_path: Path, file: str, text: str) -> list[str]:
    """Problems of a content copy whose ``countries/<file>`` is ``text``."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    (target / "countries" / file).write_text(text, encoding="utf-8")
    return [str(p) for p in load_content(target)[1]]


FINE = """country:
  code: KH
  name: Cambodia
  names: [Kampuchea]
  programme: [phase-2]
"""


def test_a_small_fine_file_has_no_problems(tmp_path: Path) -> None:
    assert _copy(tmp_path, "kh.yaml", FINE) == []


def test_the_file_is_named_after_its_code(tmp_path: Path) -> None:
    messages = _copy(tmp_path, "cambodia.yaml", FINE)
    assert any("cambodia.yaml:2" in m and "must be named kh.yaml" in m for m in messages), messages


def test_the_code_is_one_of_the_twelve(tmp_path: Path) -> None:
    messages = _copy(tmp_path, "mm.yaml", FINE.replace("code: KH", "code: MM").replace("Cambodia", "Myanmar")
                     .replace("[Kampuchea]", "[Burma]"))
    assert any("mm.yaml:2" in m and "country.code" in m and "'KH'" in m for m in messages), messages


def test_unknown_keys_are_errors(tmp_path: Path) -> None:
    messages = _copy(tmp_path, "kh.yaml", FINE + "  capital: Phnom Penh\n")
    assert any("kh.yaml:6" in m and "country.capital: unknown key" in m for m in messages), messages


def test_a_name_on_two_countries_is_an_error(tmp_path: Path) -> None:
    # "Laos" is Lao PDR's; spaces, case and accents do not make it another name
    messages = _copy(tmp_path, "kh.yaml", FINE.replace("[Kampuchea]", "[Kampuchea, L A O S]"))
    assert any("kh.yaml:4" in m and "'L A O S' also names LA" in m for m in messages), messages


def test_a_name_repeating_the_shown_name_or_code_is_an_error(tmp_path: Path) -> None:
    messages = _copy(tmp_path, "kh.yaml", FINE.replace("[Kampuchea]", "[Kampuchea, cambodia, kh]"))
    assert any("kh.yaml:4" in m and "'cambodia' is already its name" in m for m in messages), messages
    assert any("kh.yaml:4" in m and "'kh' is already its code" in m for m in messages), messages


def test_a_missing_country_file_is_reported(tmp_path: Path) -> None:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    (target / "countries" / "kg.yaml").unlink()
    messages = [str(p) for p in load_content(target)[1]]
    assert any("no file for KG" in m for m in messages), messages


def _timeline(*entries: str) -> str:
    return FINE + "  timeline:\n" + "".join(entries)


def _entry(when: str, title: str = "A law", sources: str = '["A named document, 2020"]') -> str:
    return f"""    - date: {when}
      kind: law
      title: "{title}"
      sources: {sources}
"""


@pytest.mark.parametrize("when", ['"2023-13-01"', '"2023-02-30"', '"23-04-18"', '"2023/04/18"', '"April 2023"',
                                  '"2023-4"'])
def test_a_malformed_timeline_date_is_an_error(tmp_path: Path, when: str) -> None:
    messages = _copy(tmp_path, "kh.yaml", _timeline(_entry(when)))
    assert any("kh.yaml:7" in m and "country.timeline[0].date" in m for m in messages), messages


def test_a_timeline_date_more_than_a_year_ahead_is_an_error(tmp_path: Path) -> None:
    far = (today() + timedelta(days=400)).isoformat()
    near = (today() + timedelta(days=200)).isoformat()
    messages = _copy(tmp_path, "kh.yaml", _timeline(_entry(f'"{far}"'), _entry(f'"{near}"')))
    assert any("kh.yaml:7" in m and "more than a year from now" in m for m in messages), messages
    assert not any("timeline[1]" in m for m in messages), messages


def test_dates_as_precise_as_the_source_and_unquoted_dates_are_fine(tmp_path: Path) -> None:
    assert _copy(tmp_path, "kh.yaml", _timeline(_entry('"2019"'), _entry('"2020-06"'), _entry("2021-03-04"),
                                                  _entry("2022"))) == []


def test_every_timeline_entry_and_institution_needs_a_source(tmp_path: Path) -> None:
    text = _timeline(_entry('"2020"', sources="[]")) + """  institutions:
    - name: A ministry
      role: In charge of cooperatives
"""
    messages = _copy(tmp_path, "kh.yaml", text)
    assert any("kh.yaml:10" in m and "country.timeline[0].sources" in m for m in messages), messages
    assert any("kh.yaml:12" in m and "country.institutions[0].sources: required key is missing" in m
               for m in messages), messages


def test_a_summary_needs_its_sources(tmp_path: Path) -> None:
    messages = _copy(tmp_path, "kh.yaml", FINE + "  summary: Cooperatives are growing.\n")
    assert any("kh.yaml:6" in m and "a summary needs summary_sources" in m for m in messages), messages


def test_notes_meant_for_maintainers_are_rejected(tmp_path: Path) -> None:
    text = FINE + "  summary: TODO write this.\n  summary_sources: [Someone]\n"
    messages = _copy(tmp_path, "kh.yaml", text)
    assert any("kh.yaml:6" in m and "note for maintainers" in m for m in messages), messages


def test_the_timeline_is_sorted_by_date_on_load(tmp_path: Path) -> None:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    text = _timeline(_entry('"2021-05-02"', "Third"), _entry('"2019"', "First"), _entry('"2021"', "Second"),
                     _entry('"2021-05-02"', "Fourth"))
    (target / "countries" / "kh.yaml").write_text(text, encoding="utf-8")
    content, problems = load_content(target)
    assert problems == []
    cambodia = content.countries.get("KH")
    assert cambodia is not None
    assert [e.title for e in cambodia.timeline] == ["First", "Second", "Third", "Fourth"]


def test_check_reports_a_broken_country_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.__main__ import main

    _copy(tmp_path, "kh.yaml", FINE.replace("programme: [phase-2]", "programme: [phase-3]"))
    config = tmp_path / "config.yaml"
    config.write_text(f"content_dir: {tmp_path / 'content'}\n", encoding="utf-8")
    assert main(["--config", str(config), "check"]) == 1
    err = capsys.readouterr().err
    assert "kh.yaml:5: country.programme[0]" in err
