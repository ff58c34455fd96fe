"""/country through the real discord.py code path: a profile in any script, page by page within
Discord's limits, with what the community has for the country; misses and hostile text politely."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from offline import InteractionResult, OfflineDiscord
from tests.commands.test_hostile_input import HOSTILE
from tests.commands.test_qa import ask
from tests.commands.test_sessions import create, in_days
from tests.conftest import HELPER_ROLE, QA_FORUM, ROOT, base_config

# Test data only: a profile long enough to need several pages, a glossary term and a resource
# for Lao PDR, so each part of the profile is seen. Nothing here is shipped.
LAO_PROFILE = """country:
  code: LA
  name: Lao PDR
  names: [Laos, ລາວ, ສປປ ລາວ]
  programme: [phase-2]
  summary: A test summary of the social and solidarity economy in Lao PDR.
  summary_sources: ["Test fixture, 2024"]
  institutions:
    - name: Test ministry of cooperatives
      role: Registers test cooperatives.
      sources: ["Test fixture", "https://example.org/ministry"]
  timeline:
""" + "".join(f"""    - date: "{2000 + i}-0{1 + i % 9}"
      kind: {"law" if i % 2 else "decree"}
      title: "Test decree number {i} on village development funds and cooperatives"
      note: "{'What this test decree does for the SSE, written at length. ' * 4}"
      sources: ["Test fixture, part {i}", "https://example.org/decree-{i}"]
""" for i in range(20, 0, -1))
TERM = """terms:
  - id: test-village-fund
    term: Test village fund
    short: A fund a village runs for its members (test data).
    explanation: Test data for the country profile.
    countries: [LA]
    topics: [finance]
    sources: [Test fixture]
"""
RESOURCE = """  - id: test-lao-study
    title: Test study of the SSE in Lao PDR
    type: country-study
    status: validated_draft
    validated: "2024"
    series: Test series
    publisher: ILO
    countries: [LA]
    topics: [sse-policy]
    languages: [en, lo]
    summary: Test data for the country profile.
"""


@pytest.fixture(scope="module")
def test_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("country") / "content"
    shutil.copytree(ROOT / "content", target)
    (target / "countries" / "la.yaml").write_text(LAO_PROFILE, encoding="utf-8")
    # a profile with nothing but names, as a new country's file starts
    (target / "countries" / "jp.yaml").write_text(
        "country:\n  code: JP\n  name: Japan\n  names: [日本, Nippon]\n  programme: [phase-1]\n", encoding="utf-8")
    (target / "glossary" / "zz-test.yaml").write_text(TERM, encoding="utf-8")
    thai = target / "glossary" / "translations" / "th.yaml"
    thai.write_text(thai.read_text(encoding="utf-8") + "  test-village-fund:\n    name: กองทุนหมู่บ้านทดสอบ\n",
                    encoding="utf-8")
    resources = target / "resources.yaml"
    resources.write_text(resources.read_text(encoding="utf-8").rstrip("\n") + "\n" + RESOURCE, encoding="utf-8")
    return target


@pytest.fixture
def config_data(test_content: Path) -> dict[str, Any]:
    return {**base_config(), "content_dir": str(test_content)}


async def every_page(gw: OfflineDiscord, first: InteractionResult) -> list[dict[str, Any]]:
    """The embed of each page, turning pages with the Next button as the member would."""
    embeds = [first.embed]
    current = first
    def next_button(result: InteractionResult) -> dict[str, Any] | None:
        # "Next ▶" in any language ("ถัดไป ▶", "次へ ▶"): the arrow stays
        return next((b for b in result.buttons if str(b.get("label", "")).endswith("▶") and not b.get("disabled")), None)

    while (button := next_button(current)) is not None:
        current = await gw.click(first.message_id, button["custom_id"], user=gw.member_id)
        embeds.append(current.message["embeds"][0])
    return embeds


def text_of(embeds: list[dict[str, Any]]) -> str:
    return "\n".join([e.get("description") or "" for e in embeds]
                     + [f"{f['name']}\n{f['value']}" for e in embeds for f in e.get("fields", [])])


async def solved_question(gw: OfflineDiscord, title: str, country: str) -> None:
    await ask(gw, title, "How do they work?", user=gw.member_id, country=country)
    thread = max(cid for cid, ch in gw.channels.items() if ch.get("parent_id") == str(QA_FORUM))
    helper = gw.add_user("an", roles=[HELPER_ROLE])
    answer = await gw.post_message("The village committee decides.", author=helper, channel_id=thread)
    marked = await gw.context_menu("Mark as answer", answer, user=gw.member_id)
    assert "solved" in marked.text.lower()


async def test_a_profile_in_a_native_script_shows_what_the_community_has(gw: OfflineDiscord) -> None:
    await create(gw, title="Village funds clinic for Lao cooperatives", countries="Lao PDR", start=in_days(4))
    await create(gw, title="Regional webinar for everyone", start=in_days(5))
    await create(gw, title="Thai cooperative day", countries="TH", start=in_days(6))
    await solved_question(gw, "Village fund rules in Luang Prabang", country="ລາວ")

    first = await gw.slash("country", user=gw.member_id, name="ສປປ ລາວ")
    assert not first.ephemeral
    assert first.embed["title"].startswith("Lao PDR")
    assert "Phase 2 (from 2021)" in first.embed["description"] and "Also called" in first.embed["description"]
    embeds = await every_page(gw, first)
    assert len(embeds) > 1, "a long profile is paged"
    text = text_of(embeds)
    assert "Test study of the SSE in Lao PDR" in text and "validated draft, 2024" in text
    assert "Test village fund" in text
    assert "Village funds clinic for Lao cooperatives" in text
    assert "Regional webinar" not in text and "Thai cooperative day" not in text
    assert "Village fund rules in Luang Prabang](https://discord.com/channels/" in text
    assert "Test ministry of cooperatives" in text and "[example.org](https://example.org/ministry)" in text
    # the timeline comes sorted by date, each entry with its sources
    years = [int(line[2:6]) for line in text.splitlines() if line.startswith("**20")]
    assert years == sorted(years) and len(years) == 20
    assert "[example.org](https://example.org/decree-1)" in text


async def test_only_the_member_who_asked_turns_the_pages(gw: OfflineDiscord) -> None:
    first = await gw.slash("country", user=gw.member_id, name="Laos")
    stranger = await gw.click(first.message_id, first.button("Next ▶")["custom_id"], user=gw.facilitator_id)
    assert stranger.ephemeral and "Only the person" in stranger.text


async def test_glossary_names_follow_the_language(gw: OfflineDiscord) -> None:
    first = await gw.slash("country", user=gw.member_id, name="lao pdr", language="Thai")
    assert "กองทุนหมู่บ้านทดสอบ — Test village fund" in text_of(await every_page(gw, first))


async def test_a_short_profile_says_what_is_not_recorded_yet(gw: OfflineDiscord) -> None:
    result = await gw.slash("country", user=gw.member_id, name="日本")
    text = text_of(await every_page(gw, result))
    assert result.embed["title"].startswith("Japan") and "Phase 1 (2019–21)" in text
    assert "None recorded here yet." in text
    assert "No upcoming session for this country" in text and "/ask" in text


async def test_an_unknown_name_is_private_with_suggestions_to_press(gw: OfflineDiscord) -> None:
    result = await gw.slash("country", user=gw.member_id, name="Kambodia")
    assert result.ephemeral and "No such programme country" in result.text
    assert "Cambodia" in result.embed["fields"][0]["value"]
    pressed = await gw.press(result, "Cambodia", user=gw.member_id)
    assert pressed.ephemeral and pressed.embed["title"].startswith("Cambodia")


async def test_a_country_that_is_not_in_the_programme_is_a_polite_miss(gw: OfflineDiscord) -> None:
    result = await gw.slash("country", user=gw.member_id, name="Myanmar")
    assert result.ephemeral and "No such programme country" in result.text and not result.buttons


@pytest.mark.parametrize("kind", list(HOSTILE))
async def test_hostile_text_never_pings_and_is_answered_politely(gw: OfflineDiscord, kind: str) -> None:
    result = await gw.slash("country", user=gw.member_id, name=HOSTILE[kind])
    assert result.callback is not None and result.callback.json["data"]["allowed_mentions"] == {"parse": []}
    assert result.ephemeral and result.text.strip()
    for live in ("@everyone", "@here", "<@&900000000000000101>", "<@1>"):
        assert live not in result.text
    if kind in ("empty", "spaces", "zero-width"):
        assert "empty" in result.text
    if kind == "huge":
        assert "too long" in result.text


async def test_rtl_and_invisible_characters_around_a_name_still_find_it(gw: OfflineDiscord) -> None:
    result = await gw.slash("country", user=gw.member_id, name="\u202e\u200bViet\u200d Nam\u2066")
    assert result.embed["title"].startswith("Viet Nam")


async def test_autocomplete_finds_names_in_any_script(gw: OfflineDiscord) -> None:
    korea = await gw.autocomplete("country", "name", name="한")
    assert [c["value"] for c in korea.choices] == ["Republic of Korea"]
    assert korea.choices[0]["name"] == "한국 — Republic of Korea"
    kyrgyz = await gw.autocomplete("country", "name", name="кыр")
    assert [c["value"] for c in kyrgyz.choices] == ["Kyrgyzstan"]
    everything = await gw.autocomplete("country", "name", name="")
    assert len(everything.choices) == 12
    for value in HOSTILE.values():
        assert len((await gw.autocomplete("country", "name", name=value)).choices) <= 25


def test_any_profile_fits_discords_limits_page_by_page() -> None:
    """The longest profile content allows (titles, notes and sources at their maximum) is split into
    pages that each keep within Discord's embed limits."""
    from bot.countries import Country, Institution, TimelineEntry
    from cogs.countries.service import CountryProfile
    from cogs.countries.ui import pages, profile_embed
    from offline import message_violations

    sources = [f"https://example.org/{'x' * 280}", "A named document " * 17]
    country = Country(
        code="KH", name="Cambodia", names=[f"Name {i} " + "ក" * 80 for i in range(30)], programme=["phase-2"],
        summary="S" * 600, summary_sources=sources,
        timeline=[TimelineEntry(date=f"{1990 + i % 30}", kind="law", title="T" * 200, note="N" * 300,
                                sources=sources * 3) for i in range(120)],
        institutions=[Institution(name="I" * 200, role="R" * 200, sources=sources) for _ in range(40)],
    )
    profile = CountryProfile(country=country, language="en", phases=("Phase 2 (from 2021)",), resources=(), terms=(),
                             sessions=(), solved=())
    count = len(pages(profile))
    assert count > 10
    for page in range(1, count + 1):
        embed, shown, total = profile_embed(profile, page)
        assert (shown, total) == (page, count)
        assert message_violations({"embeds": [embed.to_dict()]}) == [], page
