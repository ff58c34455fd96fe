"""/close, /reopen, the nudge to mark an answer, the auto-close of silent posts, /helpers and the
digest's thank-you line, through the real discord.py path (offline gateway)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from cogs.digest.jobs import post_digest
from cogs.profiles.service import ProfileService
from cogs.qa.jobs import lifecycle
from cogs.qa.lifecycle import LifecycleService
from cogs.qa.models import Question
from cogs.search.models import ArchivedMessage
from cogs.search.writer import ArchiveWriter
from cogs.sessions.jobs import SessionJobs
from offline import Call, OfflineDiscord
from tests.conftest import HELPER_ROLE, QA_FORUM, base_config, said

TITLE, BODY, COUNTRY, TOPIC = "sse:qa:ask:title", "sse:qa:ask:body", "sse:qa:ask:country", "sse:qa:ask:topic"


@pytest.fixture
def config_data() -> dict[str, Any]:
    data = base_config()
    data["qa"] = {"topics": ["Finance", "Law"], "nudge_after_days": 3, "close_after_days": 14}
    return data


async def ask(gw: OfflineDiscord, title: str, *, user: int) -> int:
    modal = await gw.slash("ask", user=user)
    done = await gw.submit_modal(modal.modal, {TITLE: title, BODY: "Details.", COUNTRY: "", TOPIC: ""}, user=user)
    assert "is posted" in done.text
    return max(cid for cid, ch in gw.channels.items() if ch.get("parent_id") == str(QA_FORUM))


async def question_with_reply(gw: OfflineDiscord, title: str = "Registering a housing cooperative in Mongolia"
                              ) -> tuple[int, dict[str, Any], int]:
    thread = await ask(gw, title, user=gw.member_id)
    helper = gw.add_user("oyuna", roles=[HELPER_ROLE])
    answer = await gw.post_message("The 2011 cooperative law covers it.", author=helper, channel_id=thread)
    await gw.bot.app.service(ArchiveWriter).flush()  # type: ignore[attr-defined]
    return thread, answer, helper


def posts_in(gw: OfflineDiscord, thread: int) -> list[Call]:
    return [c for c in gw.calls if c.key == "POST /channels/{channel_id}/messages"
            and c.path.startswith(f"/channels/{thread}/")]


def archive_edits(gw: OfflineDiscord, thread: int) -> list[Any]:
    return [c.json.get("archived") for c in gw.calls if c.key == "PATCH /channels/{channel_id}"
            and c.path == f"/channels/{thread}" and c.json and "archived" in c.json]


def pings_no_one(call: Call) -> bool:
    mentions = call.json["allowed_mentions"]
    return mentions.get("parse") == [] and not mentions.get("users") and not mentions.get("roles")


async def events(gw: OfflineDiscord, thread: int) -> list[tuple[str, int | None, str | None]]:
    app = gw.bot.app  # type: ignore[attr-defined]
    async with app.db.begin() as session:
        return await app.service(LifecycleService).events(session, thread)


async def test_the_asker_closes_their_post_with_a_note_on_how_to_reopen(gw: OfflineDiscord) -> None:
    thread, _answer, _helper = await question_with_reply(gw)
    result = await gw.slash("close", user=gw.member_id, channel_id=thread, resolved=True)
    assert result.ephemeral and "This post is closed" in result.text
    [note] = posts_in(gw, thread)
    assert f"<@{gw.member_id}> closed this post as resolved." in note.json["content"]
    assert "/reopen" in note.json["content"] and "writing here" in note.json["content"]
    assert pings_no_one(note)
    assert archive_edits(gw, thread) == [True]
    assert await events(gw, thread) == [("close", gw.member_id, "resolved")]
    again = await gw.slash("close", user=gw.member_id, channel_id=thread)
    assert again.ephemeral and "already closed" in again.text
    assert archive_edits(gw, thread) == [True]


async def test_a_facilitator_closes_a_post_as_unresolved(gw: OfflineDiscord) -> None:
    thread, _answer, _helper = await question_with_reply(gw)
    result = await gw.slash("close", user=gw.facilitator_id, channel_id=thread, resolved=False)
    assert result.ephemeral and "closed" in result.text
    [note] = posts_in(gw, thread)
    assert "closed this post without a resolution" in note.json["content"] and pings_no_one(note)
    assert archive_edits(gw, thread) == [True]
    assert await events(gw, thread) == [("close", gw.facilitator_id, "unresolved")]


async def test_another_member_may_not_close_or_reopen_and_is_told_politely(gw: OfflineDiscord) -> None:
    thread, _answer, helper = await question_with_reply(gw)
    refused = await gw.slash("close", user=helper, channel_id=thread)
    assert refused.ephemeral and "Only the person who asked, or a facilitator, can close this post." in refused.text
    assert not posts_in(gw, thread) and not archive_edits(gw, thread)
    await gw.slash("close", user=gw.member_id, channel_id=thread)
    refused = await gw.slash("reopen", user=helper, channel_id=thread)
    assert refused.ephemeral and "can reopen this post" in refused.text
    assert archive_edits(gw, thread) == [True]
    outside = await gw.slash("close", user=gw.member_id)
    assert outside.ephemeral and "question post" in outside.text


async def test_the_asker_reopens_a_closed_post(gw: OfflineDiscord) -> None:
    thread, _answer, _helper = await question_with_reply(gw)
    await gw.slash("close", user=gw.member_id, channel_id=thread)
    opened = await gw.slash("reopen", user=gw.member_id, channel_id=thread)
    assert opened.ephemeral and "open again" in opened.text
    assert archive_edits(gw, thread) == [True, False]
    note = posts_in(gw, thread)[-1]
    assert note.json["content"] == f"🔓 <@{gw.member_id}> reopened this post." and pings_no_one(note)
    twice = await gw.slash("reopen", user=gw.member_id, channel_id=thread)
    assert twice.ephemeral and "open already" in twice.text
    assert [e[0] for e in await events(gw, thread)] == ["close", "reopen"]


async def test_the_asker_is_nudged_once_to_mark_an_answer_pinging_only_them(gw: OfflineDiscord) -> None:
    thread, _answer, _helper = await question_with_reply(gw)
    now = datetime.now(UTC)
    assert await lifecycle(gw.bot, now + timedelta(days=2)) == 0  # too early
    assert await lifecycle(gw.bot, now + timedelta(days=3, minutes=1)) == 1
    assert await lifecycle(gw.bot, now + timedelta(days=4)) == 0  # never twice: the job runs again
    assert await lifecycle(gw.bot, now + timedelta(days=5)) == 0  # ...or after a restart
    [nudge] = posts_in(gw, thread)
    content = nudge.json["content"]
    assert content.startswith(f"<@{gw.member_id}> your question has replies.")
    assert "Mark as answer" in content and "/solved" in content
    mentions = nudge.json["allowed_mentions"]
    assert mentions["parse"] == [] and [str(u) for u in mentions["users"]] == [str(gw.member_id)]
    assert not mentions.get("roles") and not mentions.get("replied_user")
    assert not archive_edits(gw, thread)


async def test_a_solved_or_unanswered_post_is_not_nudged(gw: OfflineDiscord) -> None:
    thread, answer, _helper = await question_with_reply(gw)
    await gw.context_menu("Mark as answer", answer, user=gw.member_id)
    quiet = await ask(gw, "Nobody has replied to this one yet", user=gw.member_id)
    assert await lifecycle(gw.bot, datetime.now(UTC) + timedelta(days=4)) == 0
    assert not [c for c in posts_in(gw, thread) if "your question has replies" in c.json["content"]]
    assert not posts_in(gw, quiet)


async def age(gw: OfflineDiscord, thread: int, days: float) -> None:
    """Make a post and its messages ``days`` older, as if it had been asked then."""
    app = gw.bot.app  # type: ignore[attr-defined]
    async with app.db.begin() as session:
        for model in (Question, ArchivedMessage):
            for row in (await session.execute(select(model).where(model.thread_id == thread))).scalars():
                row.created_at -= timedelta(days=days)


async def test_a_silent_post_closes_once_with_a_note_and_a_reply_opens_it_again(gw: OfflineDiscord) -> None:
    thread = await ask(gw, "Any training on cooperative bookkeeping?", user=gw.member_id)
    now = datetime.now(UTC)
    assert await lifecycle(gw.bot, now + timedelta(days=13)) == 0
    await age(gw, thread, 14.01)  # asked two weeks ago, not a message since
    assert await lifecycle(gw.bot) == 1
    assert await lifecycle(gw.bot) == 0  # once
    assert await lifecycle(gw.bot, now + timedelta(days=1)) == 0
    [note] = posts_in(gw, thread)
    assert note.json["content"] == ("🔒 This post is closed: it had no new message for 14 days. Anyone can open it "
                                    "again by writing here; the asker or a facilitator can also use /reopen.")
    assert pings_no_one(note)
    assert archive_edits(gw, thread) == [True]
    assert await events(gw, thread) == [("auto_close", None, "inactive")]
    # a member writes in the archived post: Discord opens it again, and so does the bot's record
    member = gw.add_user("bolor")
    await gw.post_message("The Thai cooperative league runs one.", author=member, channel_id=thread)
    await gw.bot.app.service(ArchiveWriter).flush()  # type: ignore[attr-defined]
    assert (await events(gw, thread))[-1] == ("reopen", member, "reply")
    # silence counts from that reply: 13 days on the post is still open (its asker is nudged, as it
    # now has a reply), 15 days on it closes again
    assert await lifecycle(gw.bot, now + timedelta(days=13)) == 1
    assert await lifecycle(gw.bot, now + timedelta(days=15)) == 1
    assert [e[0] for e in await events(gw, thread)] == ["auto_close", "reopen", "nudge", "auto_close"]
    assert archive_edits(gw, thread) == [True, True]


async def test_a_post_reopened_before_its_closing_note_went_out_stays_open(gw: OfflineDiscord) -> None:
    thread = await ask(gw, "Social enterprise registration in Kyrgyzstan", user=gw.member_id)
    app = gw.bot.app  # type: ignore[attr-defined]
    later = datetime.now(UTC) + timedelta(days=15)
    async with app.db.begin_write() as session:  # claimed and enqueued, as the job does, but not sent yet
        [closing] = await app.service(LifecycleService).due_closes(session, later)
        await app.outbox.enqueue(session, f"qa:close:{thread}:{closing.event_id}", "qa.close", channel_id=thread,
                                 params={"event_id": closing.event_id})
    await gw.slash("reopen", user=gw.member_id, channel_id=thread)
    await gw.bot.delivery.run_due()  # type: ignore[attr-defined]
    assert not [c for c in posts_in(gw, thread) if "is closed" in c.json["content"]]
    assert archive_edits(gw, thread) == [False]


async def test_helpers_lists_accepted_answers_this_month_by_name_without_mentions(gw: OfflineDiscord) -> None:
    _thread, answer, helper = await question_with_reply(gw)
    await gw.context_menu("Mark as answer", answer, user=gw.member_id)
    second = await ask(gw, "Microcredit for women's groups in Laos", user=gw.facilitator_id)
    reply = await gw.post_message("The Lao Women's Union can help.", author=helper, channel_id=second)
    await gw.bot.app.service(ArchiveWriter).flush()  # type: ignore[attr-defined]
    await gw.context_menu("Mark as answer", reply, user=gw.facilitator_id)
    result = await gw.slash("helpers", user=gw.member_id)
    assert result.ephemeral
    text = result.text
    assert "1. oyuna · 2 accepted answers" in text
    assert "<@" not in text
    response = result.callback
    assert response is not None and response.json["data"]["allowed_mentions"]["parse"] == []
    empty = await gw.slash("helpers", user=gw.member_id, month="2025-01")
    assert "No answer was accepted in January 2025." in empty.text


@pytest.mark.parametrize("typed", ["13/2026", "next month", "2026-13", "<@1> 2026"])
async def test_a_month_that_cannot_be_read_gets_a_polite_private_answer(gw: OfflineDiscord, typed: str) -> None:
    result = await gw.slash("helpers", user=gw.member_id, month=typed)
    assert result.ephemeral and "Please write it as year-month, for example" in result.text
    assert "<@1>" not in result.text


async def test_the_digest_thanks_top_helpers_who_have_a_profile_only(gw: OfflineDiscord) -> None:
    _thread, answer, helper = await question_with_reply(gw)
    await gw.context_menu("Mark as answer", answer, user=gw.member_id)
    other = gw.add_user("anon")
    second = await ask(gw, "Dividend tax rules in Thailand", user=gw.facilitator_id)
    reply = await gw.post_message("Exempt up to a limit.", author=other, channel_id=second)
    await gw.bot.app.service(ArchiveWriter).flush()  # type: ignore[attr-defined]
    await gw.context_menu("Mark as answer", reply, user=gw.facilitator_id)
    app = gw.bot.app  # type: ignore[attr-defined]
    profiles = app.service(ProfileService)
    async with app.db.begin() as session:
        await profiles.save(session, helper, profiles.check_form(country="MN", org_type="cooperative", org_name=None,
                                                                 bio=None, happy_to_be_asked=False))
    gw.bot.runtime(SessionJobs)  # type: ignore[attr-defined]
    assert await post_digest(gw.bot)
    [digest] = [m for m in gw.messages.values() if m["embeds"] and "This week" in m["embeds"][0]["title"]]
    fields = {f["name"]: f["value"] for e in digest["embeds"] for f in e.get("fields", [])}
    thanks = fields["Thank you to this month's top helpers!"]
    assert thanks == f"• <@{helper}> · 1 accepted answer this month"  # the member without a profile is not named
    post = next(c for c in gw.calls if c.key == "POST /channels/{channel_id}/messages" and c.json.get("embeds")
                and "This week" in c.json["embeds"][0]["title"])
    assert pings_no_one(post)


async def test_a_post_the_bot_may_not_archive_is_closed_and_the_member_told_why(gw: OfflineDiscord) -> None:
    thread, _answer, _helper = await question_with_reply(gw)
    gw.faults.add("PATCH /channels/{channel_id}", 403, path_contains=thread)
    result = await gw.slash("close", user=gw.member_id, channel_id=thread)
    assert result.ephemeral and "needs Manage Threads" in result.text
    assert await events(gw, thread) == [("close", gw.member_id, "unresolved")]
    assert archive_edits(gw, thread) == [True]  # asked for, refused


async def test_the_reply_is_in_the_member_s_language_and_the_note_in_the_server_s(gw: OfflineDiscord) -> None:
    thread, _answer, _helper = await question_with_reply(gw)
    result = await gw.slash("close", user=gw.member_id, channel_id=thread, locale="th")
    assert said("th", "This post is closed. Use /reopen here to open it again.") in result.text
    [note] = posts_in(gw, thread)
    assert note.json["content"].startswith(f"🔒 <@{gw.member_id}> closed this post without a resolution.")


async def test_a_long_helpers_list_is_paged_and_the_next_page_works(gw: OfflineDiscord) -> None:
    app = gw.bot.app  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    helpers = [gw.add_user(f"helper{i:02d}") for i in range(22)]
    async with app.db.begin() as session:  # 22 posts, each answered by another member, accepted now
        for i, helper in enumerate(helpers):
            thread = 10_000 + i * 10
            session.add(Question(thread_id=thread, forum_id=QA_FORUM, guild_id=gw.guild_id, author_id=gw.member_id,
                                 title=f"Q{i}", created_at=now, answer_id=thread + 1, solved_at=now))
            session.add(ArchivedMessage(id=thread + 1, channel_id=thread, guild_id=gw.guild_id, thread_id=thread,
                                        author_id=helper, content="A", created_at=now, kind="answer"))
    first = await gw.slash("helpers", user=gw.member_id)
    assert "Page 1 of 2" in first.text and "20. helper" in first.text and "21." not in first.text
    second = await gw.press(first, "Next ▶", user=gw.member_id)
    assert "Page 2 of 2" in second.text and "21. helper" in second.text and "22. helper" in second.text
    assert "<@" not in second.text


async def test_a_post_deleted_on_discord_is_not_closed_and_nothing_waits_for_it(gw: OfflineDiscord) -> None:
    thread = await ask(gw, "Grants for youth cooperatives?", user=gw.member_id)
    await age(gw, thread, 15)
    gw.faults.add("POST /channels/{channel_id}/messages", 404, path_contains=thread)
    assert await lifecycle(gw.bot) == 1
    app = gw.bot.app  # type: ignore[attr-defined]
    async with app.db.begin() as session:
        rows = await app.outbox.rows(session, statuses=("pending", "parked", "dropped"))
    assert [(r.kind, r.status) for r in rows] == [("qa.close", "dropped")]
    assert not archive_edits(gw, thread)
    gw.dispatch("THREAD_DELETE", {"id": str(thread), "guild_id": str(gw.guild_id), "parent_id": str(QA_FORUM),
                                  "type": 11})
    await gw.settle()
    await app.service(ArchiveWriter).flush()
    assert await events(gw, thread) == []  # the post's record goes with the post
