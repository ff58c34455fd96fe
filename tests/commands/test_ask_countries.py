"""/ask with countries typed any usual way, in any script, and what happens to a question whose
country (or topic) is not known: nothing typed is lost, and one press posts it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from cogs.qa.models import Question
from cogs.qa.service import QuestionService
from cogs.search.writer import ArchiveWriter
from db.models import SavedQuery, utcnow
from offline import OfflineDiscord
from tests.commands.test_qa import BODY, COUNTRY, TITLE, TOPIC, ask, calls, search_text
from tests.conftest import QA_FORUM, base_config


@pytest.fixture
def config_data() -> dict[str, Any]:
    data = base_config()
    data["qa"] = {"extra_countries": ["Myanmar"], "topics": ["Finance", "Law & policy"]}
    return data


def posted_tags(gw: OfflineDiscord) -> list[str]:
    """Tag names of the latest post the bot made in the Q&A forum."""
    post = calls(gw, "POST /channels/{channel_id}/threads")[-1].json
    names = {t["id"]: t["name"] for t in gw.channels[QA_FORUM]["available_tags"]}
    return sorted(names[t] for t in post["applied_tags"])


def posted(gw: OfflineDiscord) -> dict[str, Any]:
    return calls(gw, "POST /channels/{channel_id}/threads")[-1].json


SPELLINGS = [
    ("Cambodia", ["cambodia", "Kampuchea", "កម្ពុជា"]),
    ("China", ["china", "PRC", "中国", "中國"]),
    ("Indonesia", ["indonesia", "INDONESIA"]),
    ("Japan", ["japan", "日本"]),
    ("Republic of Korea", ["South Korea", "korea", "한국", "대한민국"]),
    ("Kyrgyzstan", ["kyrgyzstan", "Kyrgyz Republic", "Кыргызстан", "Киргизия"]),
    ("Lao PDR", ["Laos", "lao pdr", "ລາວ", "ສປປ ລາວ", "Lao People's Democratic Republic"]),
    ("Malaysia", ["malaysia", "MALAYSIA "]),
    ("Mongolia", ["mongolia", "Монгол", "Монгол Улс", "Монголия"]),
    ("Philippines", ["the philippines", "Pilipinas"]),
    ("Thailand", ["thailand", "ไทย", "ประเทศไทย"]),
    ("Viet Nam", ["vietnam", "Việt Nam", "VIET NAM"]),
]


@pytest.mark.parametrize(("canonical", "typed"), [(c, t) for c, spellings in SPELLINGS for t in spellings])
async def test_a_country_typed_any_usual_way_gets_its_forum_tag(gw: OfflineDiscord, canonical: str, typed: str) -> None:
    result = await ask(gw, f"Cooperative law question {typed}", "Where is the latest text?", user=gw.member_id,
                       country=typed, topic="finance")
    assert "is posted" in result.text
    assert posted_tags(gw) == sorted([canonical, "Finance"])
    async with gw.bot.app.db.begin() as session:  # type: ignore[attr-defined]
        stored = (await session.execute(select(Question.country, Question.topic))).one()
    assert tuple(stored) == (canonical, "Finance")


async def test_a_deployment_extra_country_is_a_tag_too(gw: OfflineDiscord) -> None:
    result = await ask(gw, "Social enterprises in Yangon", "Any network there?", user=gw.member_id,
                       country="myanmar")
    assert "is posted" in result.text and posted_tags(gw) == ["Myanmar"]


async def test_an_unknown_country_keeps_the_question_and_use_suggestion_posts_it(gw: OfflineDiscord) -> None:
    title, body = "Registering a weaving group in Luang Prabang", "We are 9 weavers.\nWhich law applies?"
    result = await ask(gw, title, body, user=gw.member_id, country="Laoss", topic="Finance")
    assert result.ephemeral and "don't know the country" in result.text
    assert not calls(gw, "POST /channels/{channel_id}/threads")
    labels = [b["label"] for b in result.buttons]
    assert labels[0] == "Use Lao PDR" and "Edit my question" in labels

    stranger = await gw.press(result, "Use Lao PDR", user=gw.add_user("somchai"))
    assert stranger.ephemeral and "Only the person who wrote" in stranger.text
    assert not calls(gw, "POST /channels/{channel_id}/threads")

    done = await gw.press(result, "Use Lao PDR", user=gw.member_id)
    assert "is posted" in done.text
    post = posted(gw)
    assert post["name"] == title and body in post["message"]["content"]
    assert posted_tags(gw) == ["Finance", "Lao PDR"]
    again = await gw.press(result, "Use Lao PDR", user=gw.member_id)
    assert again.ephemeral and "already used" in again.text
    assert len(calls(gw, "POST /channels/{channel_id}/threads")) == 1


async def test_edit_my_question_reopens_the_form_filled_in_and_posts_the_fix(gw: OfflineDiscord) -> None:
    title, body = "Seed capital for a Thai-Lao trading coop", "Cross-border question.\n\nThanks!"
    result = await ask(gw, title, body, user=gw.member_id, country="Atlantis", topic="law & POLICY")
    assert "don't know the country" in result.text
    assert [b["label"] for b in result.buttons] == ["Edit my question"], "nothing close: nothing to suggest"

    form = await gw.press(result, "Edit my question", user=gw.member_id)
    inputs = {c["custom_id"]: c for row in form.modal["components"] for c in row["components"]}
    assert inputs[TITLE]["value"] == title and inputs[BODY]["value"] == body
    assert inputs[COUNTRY]["value"] == "Atlantis" and inputs[TOPIC]["value"] == "law & POLICY"
    assert all(len(c.get("value") or "") <= c["max_length"] for c in inputs.values())

    values = {TITLE: title, BODY: body, COUNTRY: "ລາວ", TOPIC: "law & POLICY"}
    done = await gw.submit_modal(form.modal, values, user=gw.member_id)
    assert "is posted" in done.text
    assert posted(gw)["name"] == title and body in posted(gw)["message"]["content"]
    assert posted_tags(gw) == ["Lao PDR", "Law & policy"]
    async with gw.bot.app.db.begin() as session:  # type: ignore[attr-defined]
        left = (await session.execute(select(SavedQuery.kind))).scalars().all()
    assert left == [], "the kept copy goes once the question is posted"


async def test_an_unknown_topic_is_kept_too(gw: OfflineDiscord) -> None:
    result = await ask(gw, "Microfinance for herders", "Who lends to herder groups?", user=gw.member_id,
                       country="Монголия", topic="Finanse")
    assert "don't know the topic" in result.text
    done = await gw.press(result, "Use Finance", user=gw.member_id)
    assert "is posted" in done.text and posted_tags(gw) == ["Finance", "Mongolia"]


async def test_a_text_problem_keeps_what_was_typed_for_editing(gw: OfflineDiscord) -> None:
    result = await ask(gw, "\u200b\u200b", "A long and careful question.", user=gw.member_id, country="Thailand")
    assert "empty" in result.text and [b["label"] for b in result.buttons] == ["Edit my question"]
    form = await gw.press(result, "Edit my question", user=gw.member_id)
    inputs = {c["custom_id"]: c for row in form.modal["components"] for c in row["components"]}
    assert inputs[BODY]["value"] == "A long and careful question." and inputs[COUNTRY]["value"] == "Thailand"


async def test_a_kept_question_expires_after_a_day(gw: OfflineDiscord) -> None:
    result = await ask(gw, "Old question", "Typed yesterday.", user=gw.member_id, country="Narnia")
    async with gw.bot.app.db.begin() as session:  # type: ignore[attr-defined]
        await session.execute(update(SavedQuery).values(created_at=utcnow() - timedelta(hours=25)))
    late = await gw.press(result, "Edit my question", user=gw.member_id)
    assert late.ephemeral and "expired" in late.text
    await ask(gw, "New question", "Typed today.", user=gw.member_id, country="Narnia")
    async with gw.bot.app.db.begin() as session:  # type: ignore[attr-defined]
        assert len((await session.execute(select(SavedQuery.id))).all()) == 1, "the expired copy is swept away"


async def test_questions_stored_under_older_names_are_found_by_any_name(gw: OfflineDiscord) -> None:
    # Before the names became content, the forum tags (and stored values) were "Laos" and "Korea".
    app = gw.bot.app  # type: ignore[attr-defined]
    async with app.db.begin() as session:
        for thread, country in ((gw.snowflake(), "Laos"), (gw.snowflake(), "Korea")):
            await app.service(QuestionService).record_question(
                session, thread_id=thread, forum_id=QA_FORUM, guild_id=gw.guild_id, author_id=gw.member_id,
                title=f"Rice bank rules in {country}", body="How are they run?", country=country, topic=None,
                created_at=utcnow(),
            )
    for typed in ("Lao PDR", "ລາວ", "laos"):
        text = await search_text(gw, "rice bank", country=typed)
        assert "Rice bank rules in Laos" in text and "in Korea" not in text, typed
    for typed in ("Republic of Korea", "South Korea", "한국"):
        text = await search_text(gw, "rice bank", country=typed)
        assert "Rice bank rules in Korea" in text and "in Laos" not in text, typed


async def test_a_post_made_in_the_forum_with_an_older_tag_is_stored_under_the_country(gw: OfflineDiscord) -> None:
    gw.add_forum_tags(QA_FORUM, ["Laos", "finance"])
    await gw.create_forum_post("Village funds", "How do village funds lend?", author=gw.member_id,
                               tags=["Laos", "finance"])
    await gw.bot.app.service(ArchiveWriter).flush()  # type: ignore[attr-defined]
    async with gw.bot.app.db.begin() as session:  # type: ignore[attr-defined]
        stored = (await session.execute(select(Question.country, Question.topic))).one()
    assert tuple(stored) == ("Lao PDR", "Finance")


async def test_country_autocomplete_in_search_offers_every_script_and_the_extras(gw: OfflineDiscord) -> None:
    lao = await gw.autocomplete("search", "country", query="x", country="ລາ")
    assert [c["value"] for c in lao.choices] == ["Lao PDR"]
    everything = await gw.autocomplete("search", "country", query="x", country="")
    values = [c["value"] for c in everything.choices]
    assert len(values) == 13 and "Kyrgyzstan" in values and values[-1] == "Myanmar"


async def test_a_kept_draft_is_in_the_members_export_and_goes_with_forget(gw: OfflineDiscord) -> None:
    import json

    await ask(gw, "Seed capital for a herders' coop", "We are nine families.", user=gw.member_id, country="Atlantis")
    shown = await gw.slash("privacy show", user=gw.member_id)
    assert "question drafts" in shown.text
    exported = await gw.slash("privacy export", user=gw.member_id)
    payload = json.loads(exported.files[0][1])
    [draft] = payload["saved_queries"]
    typed = draft["params"]["typed"]
    assert typed["title"] == "Seed capital for a herders' coop" and typed["body"] == "We are nine families."
    prompt = await gw.slash("privacy forget", user=gw.member_id)
    await gw.press(prompt, "Yes, forget my messages", user=gw.member_id)
    again = await gw.slash("privacy export", user=gw.member_id)
    assert json.loads(again.files[0][1])["saved_queries"] == []
