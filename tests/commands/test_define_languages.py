"""The glossary in the member's language, through the real discord.py code path: a term's name (with its
gloss when the name is kept in English), definition and "Explain more" explanation from its translation,
English where the language has no text yet, and one small-print note per reply.

Thai and Khmer texts here are test data written into a copy of the content (the translators are still
writing the shipped ones); Japanese comes from the shipped translation, which is complete."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel import Locale

import bot.catalogues as catalogues
from bot.__main__ import main
from bot.app import App
from bot.catalogues import ngettext, use_language
from bot.content import Term
from cogs.glossary.service import OFFICIAL_WORDING
from cogs.glossary.wording import DEFINITION_IN_ENGLISH, EXPLANATION_IN_ENGLISH
from offline import InteractionResult, OfflineDiscord
from tests.commands.test_country import every_page, text_of
from tests.commands.test_define import PUBLIC_BUDGET, embed_chars, quoted_chars
from tests.conftest import ROOT, FakeCatalogue, base_config, draft_line, said

TH_SHORT = "คำนิยามทดสอบ: ธุรกิจที่สมาชิกเป็นเจ้าของร่วมกัน (ข้อมูลทดสอบ)"
TH_EXPLANATION = "คำอธิบายทดสอบของสหกรณ์ ยาวกว่าคำนิยาม (ข้อมูลทดสอบ)"
TH_ALSO = "สหกรณ์ทดสอบ"
KM_SHORT = "និយមន័យសាកល្បងនៃសហករណ៍ (ទិន្នន័យសាកល្បង)"
KM_EXPLANATION = "ការពន្យល់សាកល្បងនៃសហករណ៍ (ទិន្នន័យសាកល្បង)"
KM_SOCIAL_ENTERPRISE = "និយមន័យសាកល្បងនៃសហគ្រាសសង្គម (ទិន្នន័យសាកល្បង)"
# A term whose Thai entry is as long as the schema allows in every field, for the budget.
LONGEST = """terms:
  - id: fixture-longest
    term: Longest fixture
    short: A fixture whose Thai entry fills every field to the limit.
    explanation: Test data for the budget.
    topics: [governance]
    sources: [Fixture source]
"""
LONG_TH = {
    "name": ("ชื่อยาวทดสอบ" * 10)[:100],
    "gloss": ("คำอธิบายสั้นทดสอบ" * 10)[:120],
    "also": [f"ชื่อเรียกอื่นทดสอบลำดับที่{i}" for i in range(10)],
    "short": ("คำนิยามยาวทดสอบ " * 30)[:400].strip(),
    "explanation": ("คำอธิบายยาวทดสอบ " * 100)[:1600].strip(),
    "status": "draft",
}


def set_entries(path: Path, entries: dict[str, dict[str, Any]]) -> None:
    """Replace these terms' entries in a copied translations file (whatever the shipped one says)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["terms"].update(entries)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def test_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("languages") / "content"
    shutil.copytree(ROOT / "content", target)
    (target / "glossary" / "zz-longest.yaml").write_text(LONGEST, encoding="utf-8")
    translations = target / "glossary" / "translations"
    set_entries(translations / "th.yaml", {
        "cooperative": {"name": "สหกรณ์", "also": [TH_ALSO], "short": TH_SHORT, "explanation": TH_EXPLANATION,
                        "status": "draft"},
        "worker-cooperative": {"name": "สหกรณ์แรงงาน", "status": "draft"},  # a name, nothing else yet
        "fixture-longest": LONG_TH,
    })
    set_entries(translations / "km.yaml", {
        "cooperative": {"name": "សហករណ៍", "short": KM_SHORT, "explanation": KM_EXPLANATION, "status": "reviewed"},
        "social-enterprise": {"name": "សហគ្រាសសង្គម", "short": KM_SOCIAL_ENTERPRISE, "status": "draft"},
    })
    return target


@pytest.fixture
def config_data(test_content: Path) -> dict[str, Any]:
    return {**base_config(), "content_dir": str(test_content)}


def term(app: App, term_id: str) -> Term:
    return next(t for t in app.content.terms if t.id == term_id)


def small_print(result: InteractionResult) -> list[str]:
    """The reply's small-print lines."""
    return [line for line in result.content.splitlines() if line.startswith("-# ")]


def fields(result: InteractionResult) -> dict[str, str]:
    return {f["name"]: f["value"] for f in result.embed.get("fields", [])}


async def test_a_thai_member_reads_the_name_definition_and_explanation_in_thai(gw: OfflineDiscord) -> None:
    result = await gw.slash("define", term="cooperative", locale="th")
    assert result.embed["title"] == "สหกรณ์ — Cooperative"
    assert result.embed["description"] == TH_SHORT
    assert fields(result)[said("th", "Also called")].startswith(TH_ALSO), "the Thai names first, then the English ones"
    assert "co-op" in fields(result)[said("th", "Also called")]
    assert small_print(result) == [draft_line("th")]

    explained = await gw.press(result, said("th", "Explain more"), user=gw.facilitator_id, locale="th")
    assert explained.embed["description"] == TH_EXPLANATION
    assert small_print(explained) == [draft_line("th")]
    assert "footer" not in explained.embed


async def test_a_khmer_member_chooses_khmer_with_language(gw: OfflineDiscord) -> None:
    # Discord has no Khmer locale: the member says so once with /language, and then everything follows it.
    await gw.slash("language", user=gw.member_id, language="km")
    result = await gw.slash("define", term="cooperative", user=gw.member_id)
    assert result.embed["title"] == "សហករណ៍ — Cooperative"
    assert result.embed["description"] == KM_SHORT
    explained = await gw.press(result, said("km", "Explain more"), user=gw.member_id)
    assert explained.embed["description"] == KM_EXPLANATION
    # the Khmer catalogue is a draft: one note, although this entry is reviewed
    assert len(small_print(result)) == 1 and len(small_print(explained)) == 1


async def test_the_one_note_says_draft_when_the_catalogue_or_the_entry_is_a_draft(
    gw: OfflineDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalogues, "is_draft", lambda code: False)  # as once the Khmer catalogue is reviewed
    await gw.slash("language", user=gw.member_id, language="km")
    reviewed = await gw.slash("define", term="cooperative", user=gw.member_id)
    assert reviewed.embed["description"] == KM_SHORT
    assert small_print(reviewed) == [], "a reviewed entry in a reviewed catalogue: nothing to say"
    draft = await gw.slash("define", term="social enterprise", user=gw.member_id)
    assert draft.embed["description"] == KM_SOCIAL_ENTERPRISE
    assert small_print(draft) == [draft_line("km")]
    assert "footer" not in draft.embed


async def test_a_missing_definition_is_shown_in_english_and_the_one_note_says_so(
    gw: OfflineDiscord, app: App
) -> None:
    worker = term(app, "worker-cooperative")
    result = await gw.slash("define", term="worker cooperative", locale="th")
    assert result.embed["title"] == "สหกรณ์แรงงาน — Worker cooperative"
    assert result.embed["description"] == worker.short
    assert small_print(result) == [
        draft_line("th") + " " + said("th", DEFINITION_IN_ENGLISH, language="ไทย")]
    explained = await gw.press(result, said("th", "Explain more"), user=gw.member_id, locale="th")
    assert explained.embed["description"] == worker.explanation
    assert len(small_print(explained)) == 1
    assert said("th", EXPLANATION_IN_ENGLISH, language="ไทย") in explained.content


async def test_a_japanese_member_reads_the_shipped_translation(gw: OfflineDiscord, app: App) -> None:
    social = term(app, "social-enterprise")
    ja = social.translations["ja"]
    assert ja.short and ja.explanation, "shipped: a core term with its Japanese explanation"
    result = await gw.slash("define", term="social enterprise", locale="ja")
    assert result.embed["title"] == f"{ja.name} — Social enterprise"
    assert result.embed["description"] == ja.short
    explained = await gw.press(result, said("ja", "Explain more"), user=gw.member_id, locale="ja")
    assert explained.embed["description"] == ja.explanation
    assert len(small_print(explained)) == 1
    # a term outside the 30 core ones has a Japanese definition and an English explanation
    other = next(t for t in app.content.terms if not t.core and t.translations["ja"].short
                 and not t.translations["ja"].explanation)
    answer = await gw.slash("define", term=other.id, locale="ja")
    assert answer.embed["description"] == other.translations["ja"].short
    assert "not yet written" not in answer.content
    more = await gw.press(answer, said("ja", "Explain more"), user=gw.member_id, locale="ja")
    assert more.embed["description"] == other.explanation
    assert said("ja", EXPLANATION_IN_ENGLISH, language="日本語") in more.content


async def test_a_name_kept_in_english_comes_with_its_gloss(gw: OfflineDiscord, app: App) -> None:
    gotong = term(app, "gotong-royong").translations["ja"]
    result = await gw.slash("define", term="gotong royong", locale="ja")
    assert result.embed["title"] == f"Gotong royong ({gotong.gloss})", "the English name is the name, once"
    koperasi = term(app, "koperasi")
    shown = await gw.slash("define", term="koperasi", language="Japanese")
    assert shown.embed["title"] == f"Koperasi ({koperasi.translations['ja'].gloss}) — {koperasi.term}"
    profile = await gw.slash("country", name="Indonesia", language="Japanese", user=gw.member_id)
    text = text_of(await every_page(gw, profile))
    assert f"Koperasi ({koperasi.translations['ja'].gloss}) — {koperasi.term}" in text, "the country's term list too"


async def test_other_names_are_found_and_autocomplete_speaks_the_members_language(gw: OfflineDiscord) -> None:
    found = await gw.slash("define", term=TH_ALSO, locale="th")
    assert found.embed["title"] == "สหกรณ์ — Cooperative"
    typed = await gw.autocomplete("define", "term", term=TH_ALSO[:-2], locale="th")
    assert typed.choices[0] == {"name": f"{TH_ALSO} — สหกรณ์ — Cooperative", "value": "cooperative"}
    japanese = await gw.autocomplete("define", "term", term="cooperative", locale="ja")
    assert japanese.choices[0]["name"] == "協同組合 — Cooperative"
    korean = await gw.autocomplete("define", "term", term="cooperative", language="Korean", locale="th")
    assert korean.choices[0]["name"] == "협동조합 — Cooperative", "the language option, once it is filled in"
    empty = await gw.autocomplete("define", "term", term="", locale="ja")
    assert len(empty.choices) == 25 and all(" — " in c["name"] or "(" in c["name"] for c in empty.choices)


async def test_lists_show_definitions_in_the_members_language_with_one_note(gw: OfflineDiscord, app: App) -> None:
    page = await gw.slash("glossary browse", topic="cooperatives", locale="th")
    lines = page.embed["description"].splitlines()
    assert f"• **สหกรณ์ — Cooperative**: {TH_SHORT}" in lines
    listed = [t for t in app.content.terms if "cooperatives" in t.topics]
    english = sum(1 for t in listed if not (t.translations.get("th") and t.translations["th"].short))
    assert english, "worker cooperative has no Thai definition in the copy"
    with use_language("th"):
        in_english = ngettext("{count} definition is not yet written in {language} and is shown in English.",
                              "{count} definitions are not yet written in {language} and are shown in English.",
                              english).format(count=english, language="ไทย")
    assert small_print(page) == [f"{draft_line('th')} {in_english}"]

    first = await gw.slash("define", term="cooperative", locale="th")
    related = await gw.press(first, said("th", "Related terms"), user=gw.member_id, locale="th")
    assert related.embed["title"] == said("th", "Related to {term}", term="สหกรณ์ — Cooperative")
    assert "• **สหกรณ์แรงงาน — Worker cooperative**: " in related.embed["description"]
    assert len(small_print(related)) == 1 and small_print(related)[0].startswith(draft_line("th") + " ")


async def test_labels_and_plurals_come_from_the_catalogue_and_the_quotation_is_never_translated(
    gw: OfflineDiscord, app: App, fake_catalogue: FakeCatalogue
) -> None:
    fake_catalogue("th", {"Explain more": "อธิบายเพิ่มเติม", "Related terms": "คำที่เกี่ยวข้อง", "Sources": "แหล่งที่มา",
                          "Also called": "ชื่ออื่น", OFFICIAL_WORDING: "ถ้อยคำทางการตามที่รับรอง:",
                          "This reply is a draft translation, not yet reviewed by a native speaker.":
                              "คำตอบนี้เป็นฉบับแปลร่าง"})
    sse = term(app, "sse")
    assert sse.quote is not None
    result = await gw.slash("define", term="sse", locale="th")
    assert [b["label"] for b in result.buttons] == ["อธิบายเพิ่มเติม", "คำที่เกี่ยวข้อง", "แหล่งที่มา"]
    assert "ชื่ออื่น" in fields(result)
    assert f"ถ้อยคำทางการตามที่รับรอง:\n> {sse.quote.text.splitlines()[0]}" in result.embed["description"]
    assert f"— {sse.quote.source}" in result.embed["description"], "the quotation as written, with its source"
    assert len(small_print(result)) == 1 and small_print(result)[0].startswith("-# คำตอบนี้เป็นฉบับแปลร่าง")

    forms = {"one": "{count} термин", "few": "{count} термина", "many": "{count} терминов", "other": "{count} термина"}
    page = " — стр. {page} из {pages}"
    fake_catalogue("ru", {
        ("{count} term", "{count} terms"): tuple(forms[f] for f in ("one", "few", "many")),
        ("{count} term — page {page} of {pages}", "{count} terms — page {page} of {pages}"):
            tuple(forms[f] + page for f in ("one", "few", "many")),
    })
    for topic in ("finance", "traditions"):
        listed = await gw.slash("glossary browse", topic=topic, locale="ru")
        count = sum(1 for t in app.content.terms if topic in t.topics)
        expected = forms[Locale.parse("ru").plural_form(count)].format(count=count)
        assert listed.embed["description"].startswith(expected + (" — стр. 1 из 2" if count > 10 else "") + "\n"), (
            listed.embed["description"][:40])


async def test_the_longest_translation_the_schema_allows_stays_within_the_budget(gw: OfflineDiscord) -> None:
    result = await gw.slash("define", term="fixture-longest", locale="th")
    assert result.embed["description"] == LONG_TH["short"]
    assert embed_chars(result.embed) - quoted_chars(None, "th") <= PUBLIC_BUDGET, embed_chars(result.embed)
    also = fields(result)[said("th", "Also called")]
    with use_language("th"):
        more = ngettext("{names} (+{count} more)", "{names} (+{count} more)", 2).split("{count}")[-1]
    assert "\n" not in also and also.endswith(more), "one line, then how many more"
    explained = await gw.press(result, said("th", "Explain more"), user=gw.member_id, locale="th")
    assert explained.embed["description"] == LONG_TH["explanation"]  # and within Discord's limits (the harness)


def run_cli(settings: Any, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    return main(["--config", str(settings.config_path), *args])


def test_cli_define_json_in_a_language(
    settings, app: App, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]  # type: ignore[no-untyped-def]
) -> None:
    assert run_cli(settings, monkeypatch, "define", "social enterprise", "--lang", "ja", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    ja = term(app, "social-enterprise").translations["ja"]
    assert data["definition"] == ja.short and data["explanation"] == ja.explanation
    assert data["lang"] == {"definition": "ja", "explanation": "ja"}
    assert data["status"] == {"definition": "draft", "explanation": "draft"}
    assert data["local_name"] == ja.name and data["term"] == "Social enterprise", "the existing keys stay"

    assert run_cli(settings, monkeypatch, "define", "worker cooperative", "--lang", "th", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    worker = term(app, "worker-cooperative")
    assert data["definition"] == worker.short and data["explanation"] == worker.explanation
    assert data["lang"] == {"definition": "en", "explanation": "en"}
    assert data["status"] == {"definition": "missing", "explanation": "missing"}
    assert data["translation_status"] == "draft" and data["local_name"] == "สหกรณ์แรงงาน"

    assert run_cli(settings, monkeypatch, "define", "cooperative", "--lang", "km", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == {"definition": "reviewed", "explanation": "reviewed"} and data["definition"] == KM_SHORT

    assert run_cli(settings, monkeypatch, "define", "cooperative", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == {"definition": "original", "explanation": "original"}
    assert data["lang"] == {"definition": "en", "explanation": "en"}

    assert run_cli(settings, monkeypatch, "define", "worker cooperative", "--lang", "ไทย") == 0
    text = capsys.readouterr().out
    assert text.startswith("สหกรณ์แรงงาน — Worker cooperative\n")
    assert said("th", "The definition and the explanation are not yet written in {language}; they are shown in English.",
                language="ไทย") in text


@pytest.mark.parametrize("command", [["define", "coop"], ["glossary"]])
def test_cli_an_unknown_language_is_a_clear_error(
    settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str]  # type: ignore[no-untyped-def]
) -> None:
    assert run_cli(settings, monkeypatch, *command, "--lang", "klingon") == 2
    assert "unknown language 'klingon'" in capsys.readouterr().err


def test_cli_glossary_prints_in_the_language(
    settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]  # type: ignore[no-untyped-def]
) -> None:
    assert run_cli(settings, monkeypatch, "glossary", "--topic", "cooperatives", "--lang", "th") == 0
    text = capsys.readouterr().out
    assert f"สหกรณ์ — Cooperative: {TH_SHORT}" in text.splitlines()
    with use_language("th"):
        notes = {ngettext("{count} definition is not yet written in {language} and is shown in English.",
                          "{count} definitions are not yet written in {language} and are shown in English.",
                          n).format(count=n, language="ไทย") for n in range(1, 91)}
    assert any(note in text.splitlines()[-1] for note in notes), "the small print, on the last line"

