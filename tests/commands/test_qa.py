"""/ask, forum posts, answers, Mark as answer, /solved and routing, through the real discord.py path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cogs.digest.jobs import post_digest
from cogs.qa.jobs import route_unanswered
from cogs.search.writer import ArchiveWriter
from cogs.sessions.jobs import SessionJobs
from offline import Call, OfflineDiscord
from tests.conftest import ARCHIVED, FACILITATOR_ROLE, HELPER_ROLE, QA_FORUM, base_config

TITLE, BODY, COUNTRY, TOPIC = "sse:qa:ask:title", "sse:qa:ask:body", "sse:qa:ask:country", "sse:qa:ask:topic"


@pytest.fixture
def config_data() -> dict[str, Any]:
    data = base_config()
    data["qa"] = {"extra_countries": ["Myanmar"], "topics": ["Finance", "Law"],
                  "route_helpers_after_hours": 24, "route_facilitators_after_hours": 48}
    return data


def calls(gw: OfflineDiscord, key: str) -> list[Call]:
    return [c for c in gw.calls if c.key == key]


async def ask(gw: OfflineDiscord, title: str, body: str, *, user: int, country: str = "", topic: str = ""):  # type: ignore[no-untyped-def]
    modal = await gw.slash("ask", user=user)
    assert modal.response_type == 9
    return await gw.submit_modal(modal.modal, {TITLE: title, BODY: body, COUNTRY: country, TOPIC: topic}, user=user)


async def search_text(gw: OfflineDiscord, query: str, **options: Any) -> str:
    await gw.bot.app.service(ArchiveWriter).flush()  # type: ignore[attr-defined]
    result = await gw.slash("search", query=query, **options)
    assert result.ephemeral
    return result.text


async def test_ask_posts_in_the_forum_with_tags_and_is_searchable(gw: OfflineDiscord) -> None:
    result = await ask(gw, "How to register a weaving cooperative?", "We are 12 weavers in Khon Kaen.",
                       user=gw.member_id, country="thailand", topic="Law")
    assert result.ephemeral
    post = calls(gw, "POST /channels/{channel_id}/threads")
    assert len(post) == 1 and post[0].path.startswith(f"/channels/{QA_FORUM}/")
    body = post[0].json
    assert body["name"] == "How to register a weaving cooperative?"
    forum = gw.channels[QA_FORUM]
    tag_names = {t["id"]: t["name"] for t in forum["available_tags"]}
    assert sorted(tag_names[t] for t in body["applied_tags"]) == ["Law", "Thailand"]
    assert body["message"]["allowed_mentions"]["parse"] == []
    assert "12 weavers" in body["message"]["content"]
    assert "is posted" in result.text
    found = await search_text(gw, "weaving cooperative")
    assert "register a weaving cooperative" in found and "Question" in found
    assert await search_text(gw, "weaving", country="Thailand") != await search_text(gw, "weaving", country="Laos")


async def test_similar_questions_are_shown_before_posting_and_post_anyway_posts(gw: OfflineDiscord) -> None:
    await ask(gw, "Microfinance for women's groups in Laos", "Which lenders work with village groups?",
              user=gw.member_id)
    other = gw.add_user("somchai")
    result = await ask(gw, "Women's groups microfinance options", "Looking for lenders.", user=other)
    assert "Has this been asked already?" in result.text
    assert "Microfinance for women's groups in Laos" in result.text
    assert len(calls(gw, "POST /channels/{channel_id}/threads")) == 1  # not posted yet
    stranger = await gw.press(result, "Post anyway", user=gw.member_id)
    assert stranger.ephemeral and "Only the person" in stranger.text
    posted = await gw.press(result, "Post anyway", user=other)
    assert "is posted" in posted.text
    assert len(calls(gw, "POST /channels/{channel_id}/threads")) == 2


@pytest.mark.parametrize(("title", "body", "country", "expect"), [
    ("", "body", "", "empty"),
    ("\u200b\u200b", "body", "", "empty"),
    ("Title", "x" * 10_000, "", "too long"),
    ("Title", "Body", "Atlantis", "country"),
])
async def test_bad_modal_input_gets_a_clear_private_answer(
    gw: OfflineDiscord, title: str, body: str, country: str, expect: str
) -> None:
    result = await ask(gw, title, body, user=gw.member_id, country=country)
    assert result.ephemeral and expect in result.text
    assert not calls(gw, "POST /channels/{channel_id}/threads")


async def test_mentions_in_a_question_never_ping(gw: OfflineDiscord) -> None:
    await ask(gw, "@everyone help <@&123>", "Hello @here <@&900000000000000101>", user=gw.member_id)
    post = calls(gw, "POST /channels/{channel_id}/threads")[0]
    assert post.json["message"]["allowed_mentions"] == {"parse": []} or post.json["message"]["allowed_mentions"][
        "parse"] == []


async def test_a_post_made_directly_in_the_forum_and_its_replies_are_stored(gw: OfflineDiscord) -> None:
    gw.add_forum_tags(QA_FORUM, ["Viet Nam", "Finance"])
    starter = await gw.create_forum_post("Credit unions in Đà Nẵng?", "Any experience with quỹ tín dụng?",
                                         author=gw.member_id, tags=["Viet Nam"])
    thread = int(starter["channel_id"])
    helper = gw.add_user("lan", roles=[HELPER_ROLE])
    reply = await gw.post_message("Yes: the People's Credit Fund in Hội An works well.", author=helper, channel_id=thread)
    text = await search_text(gw, "quy tin dung", scope="questions", country="Viet Nam")
    assert "Credit unions" in text
    assert "People" in await search_text(gw, "credit fund hoi an")

    gw.dispatch("MESSAGE_UPDATE", {**reply, "content": "Try the cooperative bank instead.",
                                   "edited_timestamp": datetime.now(UTC).isoformat()})
    await gw.settle()
    assert "Nothing found" in await search_text(gw, "hoi an")
    assert "cooperative bank" in await search_text(gw, "cooperative bank")

    gw.dispatch("MESSAGE_DELETE", {"id": reply["id"], "channel_id": str(thread), "guild_id": str(gw.guild_id)})
    await gw.settle()
    assert "Nothing found" in await search_text(gw, "cooperative bank")

    gw.dispatch("THREAD_DELETE", {"id": str(thread), "guild_id": str(gw.guild_id), "parent_id": str(QA_FORUM),
                                  "type": 11})
    await gw.settle()
    assert "Nothing found" in await search_text(gw, "credit unions")


async def test_opted_in_channels_are_stored_live_others_and_bots_are_not(gw: OfflineDiscord) -> None:
    await gw.post_message("Seed funding for rice mills", author=gw.member_id, channel_id=ARCHIVED)
    await gw.post_message("Seed funding gossip", author=gw.member_id, channel_id=gw.channel_id("general"))
    bulk = [await gw.post_message(f"bulk seed {i}", author=gw.member_id, channel_id=ARCHIVED) for i in range(3)]
    text = await search_text(gw, "seed funding")
    assert "rice mills" in text and "gossip" not in text
    gw.dispatch("MESSAGE_DELETE_BULK", {"ids": [m["id"] for m in bulk], "channel_id": str(ARCHIVED),
                                        "guild_id": str(gw.guild_id)})
    await gw.settle()
    assert "bulk" not in await search_text(gw, "seed")


async def test_replaying_a_message_event_stores_it_once(gw: OfflineDiscord) -> None:
    msg = await gw.post_message("Replay of the cassava thread", author=gw.member_id, channel_id=ARCHIVED)
    gw.dispatch("MESSAGE_CREATE", msg)  # a reconnect replays the event
    await gw.settle()
    text = await search_text(gw, "cassava")
    assert "1 result" in text


async def _question_with_reply(gw: OfflineDiscord) -> tuple[int, dict[str, Any], int]:
    await ask(gw, "Tax rules for social enterprises in Viet Nam", "What is exempt?", user=gw.member_id)
    thread = next(cid for cid, ch in gw.channels.items() if ch.get("parent_id") == str(QA_FORUM))
    helper = gw.add_user("an", roles=[HELPER_ROLE])
    answer = await gw.post_message("Decree 47 lists the exemptions.", author=helper, channel_id=thread)
    return thread, answer, helper


async def test_the_asker_marks_the_answer_and_the_post_gets_the_solved_tag(gw: OfflineDiscord) -> None:
    thread, answer, helper = await _question_with_reply(gw)
    denied = await gw.context_menu("Mark as answer", answer, user=helper)
    assert denied.ephemeral and "Only the person who asked" in denied.text
    result = await gw.context_menu("Mark as answer", answer, user=gw.member_id)
    assert result.ephemeral and "solved" in result.text.lower()
    solved_tag = next(t["id"] for t in gw.channels[QA_FORUM]["available_tags"] if t["name"] == "Solved")
    assert solved_tag in gw.channels[thread]["applied_tags"]
    notice = [c for c in calls(gw, "POST /channels/{channel_id}/messages") if c.path.startswith(f"/channels/{thread}/")]
    assert notice and answer["id"] in notice[-1].json["content"]
    text = await search_text(gw, "exemptions")
    assert "✅" in text


async def test_weekly_digest_lists_solved_and_unanswered_questions(gw: OfflineDiscord) -> None:
    _thread, answer, _helper = await _question_with_reply(gw)
    await gw.context_menu("Mark as answer", answer, user=gw.member_id)
    asked = await ask(gw, "Where to find cooperative statistics for Mongolia?", "Any dataset?", user=gw.facilitator_id)
    assert "is posted" in asked.text, "a question sharing only 'for' with another is not 'similar'"
    gw.bot.runtime(SessionJobs)
    assert await post_digest(gw.bot)
    [digest] = [m for m in gw.messages.values() if m["embeds"] and "This week" in m["embeds"][0]["title"]]
    fields = {f["name"]: f["value"] for e in digest["embeds"] for f in e.get("fields", [])}
    solved = next(v for k, v in fields.items() if "Newly solved" in k)
    waiting = next(v for k, v in fields.items() if "still waiting" in k)
    assert "Tax rules for social enterprises in Viet Nam" in solved
    assert "cooperative statistics for Mongolia" in waiting
    assert "Tax rules" not in waiting


async def test_solved_inside_the_post_by_a_facilitator_takes_the_latest_reply(gw: OfflineDiscord) -> None:
    thread, answer, _helper = await _question_with_reply(gw)
    result = await gw.slash("solved", user=gw.facilitator_id, channel_id=thread)
    assert "solved" in result.text.lower()
    notice = [c for c in calls(gw, "POST /channels/{channel_id}/messages") if c.path.startswith(f"/channels/{thread}/")]
    assert answer["id"] in notice[-1].json["content"]
    outside = await gw.slash("solved", user=gw.facilitator_id)
    assert outside.ephemeral and "question post" in outside.text


async def test_unanswered_questions_go_to_helpers_then_facilitators_once(gw: OfflineDiscord) -> None:
    await ask(gw, "Nobody knows this one", "Quiet question.", user=gw.member_id)
    thread = next(cid for cid, ch in gw.channels.items() if ch.get("parent_id") == str(QA_FORUM))
    now = datetime.now(UTC)
    assert await route_unanswered(gw.bot, now + timedelta(hours=1)) == 0
    assert await route_unanswered(gw.bot, now + timedelta(hours=25)) == 1
    assert await route_unanswered(gw.bot, now + timedelta(hours=26)) == 0  # never twice
    assert await route_unanswered(gw.bot, now + timedelta(hours=49)) == 1
    assert await route_unanswered(gw.bot, now + timedelta(hours=100)) == 0
    posts = [c for c in calls(gw, "POST /channels/{channel_id}/messages") if c.path.startswith(f"/channels/{thread}/")]
    assert f"<@&{HELPER_ROLE}>" in posts[0].json["content"]
    assert posts[0].json["allowed_mentions"]["roles"] == [str(HELPER_ROLE)] or posts[0].json["allowed_mentions"][
        "roles"] == [HELPER_ROLE]
    assert f"<@&{FACILITATOR_ROLE}>" in posts[1].json["content"]


async def test_a_replied_question_is_not_routed(gw: OfflineDiscord) -> None:
    _thread, _answer, _helper = await _question_with_reply(gw)
    await gw.bot.app.service(ArchiveWriter).flush()  # type: ignore[attr-defined]
    assert await route_unanswered(gw.bot, datetime.now(UTC) + timedelta(days=5)) == 0


async def test_two_members_asking_at_once_each_get_their_question_posted(gw: OfflineDiscord) -> None:
    from sqlalchemy import select

    from cogs.qa.models import Question

    other = gw.add_user("lin")
    first = await gw.slash("ask", user=gw.member_id)
    second = await gw.slash("ask", user=other)
    assert first.modal["custom_id"] != second.modal["custom_id"]
    # submitted in the opposite order to the one they were opened in
    for form, member, title in ((second, other, "Seed funding for a rice mill"),
                                (first, gw.member_id, "Registering a weaving cooperative")):
        posted = await gw.submit_modal(form.modal, {TITLE: title, BODY: "Any advice?", COUNTRY: "", TOPIC: ""},
                                       user=member)
        assert posted.ephemeral and "is posted" in posted.text
    async with gw.bot.app.db.begin() as session:  # type: ignore[attr-defined]
        stored = dict((await session.execute(select(Question.title, Question.author_id))).all())
    assert stored == {"Seed funding for a rice mill": other, "Registering a weaving cooperative": gw.member_id}
