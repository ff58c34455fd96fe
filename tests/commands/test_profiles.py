"""Member profiles, /members and routing to peers through the real discord.py code path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import App
from cogs.profiles.jobs import route_peers
from cogs.profiles.models import MemberProfile, PeerRequest
from cogs.qa.models import Question
from offline import OfflineDiscord
from tests.commands.test_sessions import dms
from tests.conftest import GUILD_ID, QA_FORUM, base_config

ORG, BIO = "sse:profiles:form:org", "sse:profiles:form:bio"


@pytest.fixture
def config_data() -> dict[str, Any]:
    data = base_config()
    data["qa"] = {"topics": ["Finance", "Law"], "route_peers_after_hours": 6, "peer_requests_per_week": 2}
    return data


async def make_profile(gw: OfflineDiscord, user: int, *, org: str = "", bio: str = "", **options: Any) -> Any:
    options.setdefault("organisation_type", "cooperative")
    form = await gw.slash("profile set", user=user, **options)
    assert form.response_type == 9, form.text
    return await gw.submit_modal(form.modal, {ORG: org, BIO: bio}, user=user)


def select_id(result: Any, prefix: str) -> str:
    return next(c["custom_id"] for c in result.buttons if c["custom_id"].startswith(prefix))


async def count(app: App, model: Any) -> int:
    async with app.db.begin() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_profile_set_stores_the_form_and_the_menus_add_topics_and_languages(gw: OfflineDiscord, app: App) -> None:
    saved = await make_profile(gw, gw.member_id, org="Hanoi Weavers", bio="I help cooperatives keep accounts.",
                               country="vietnam", happy_to_be_asked=True)
    assert saved.ephemeral and "Saved" in saved.text and "Viet Nam" in saved.text and "Hanoi Weavers" in saved.text
    picked = await gw.click(saved.message_id, select_id(saved, "sse:profiles:topics:"), user=gw.member_id,
                            values=["Finance"])
    assert "Finance" in picked.text
    spoken = await gw.click(saved.message_id, select_id(saved, "sse:profiles:languages:"), user=gw.member_id,
                            values=["vi", "en"])
    assert "Vietnamese" in spoken.text and "English" in spoken.text
    shown = await gw.slash("profile show", user=gw.member_id)
    assert "Finance" in shown.text and "I help cooperatives keep accounts." in shown.text and "Yes" in shown.text


async def test_someone_elses_menus_change_nothing(gw: OfflineDiscord, app: App) -> None:
    saved = await make_profile(gw, gw.member_id)
    other = gw.add_user("mallory")
    refused = await gw.click(saved.message_id, select_id(saved, "sse:profiles:topics:"), user=other, values=["Law"])
    assert refused.ephemeral and "Only the member whose profile this is" in refused.text
    fields = {f["name"]: f["value"] for f in (await gw.slash("profile show", user=gw.member_id)).embed["fields"]}
    assert fields["Topics they know about"] == "—"


async def test_a_10000_character_bio_is_refused_with_its_length_and_the_text_comes_back(gw: OfflineDiscord, app: App) -> None:
    long_bio = "x" * 10_000
    refused = await make_profile(gw, gw.member_id, bio=long_bio)
    assert refused.ephemeral and "10,000 characters" in refused.text and "300" in refused.text
    assert await count(app, MemberProfile) == 0
    again = await gw.press(refused, "Edit my profile", user=gw.member_id)
    assert again.response_type == 9
    bio_field = next(c for row in again.modal["components"] for c in row["components"] if c["custom_id"] == BIO)
    assert bio_field["value"] == long_bio[:4000]
    fixed = await gw.submit_modal(again.modal, {ORG: "", BIO: "Short now."}, user=gw.member_id)
    assert "Saved" in fixed.text and await count(app, MemberProfile) == 1


async def test_mentions_and_markdown_are_shown_inert(gw: OfflineDiscord) -> None:
    saved = await make_profile(gw, gw.member_id, org="@everyone **Big** <@123>", bio="# Hi @here `code` <@&5>")
    text = " ".join(f["value"] for f in saved.embed["fields"])
    assert "@everyone" not in text.replace("@\u200beveryone", "") and "\\*\\*Big\\*\\*" in text
    assert "<@123>" not in text and "<@&5>" not in text and "@here" not in text.replace("@\u200bhere", "")
    listed = await gw.slash("members", user=gw.member_id)
    assert listed.message["allowed_mentions"]["parse"] == []
    assert "<@123>" not in str(listed.embeds)


async def test_unknown_country_and_topic_get_suggestions(gw: OfflineDiscord, app: App) -> None:
    form = await gw.slash("profile set", user=gw.member_id, organisation_type="government", country="Thailnd")
    assert form.ephemeral and "I don't know the country" in form.text and "Thailand" in form.text
    missed = await gw.slash("members", user=gw.member_id, topic="Finanse")
    assert missed.ephemeral and "I don't know the topic" in missed.text and "Finance" in missed.text
    assert await count(app, MemberProfile) == 0


async def test_profile_show_of_a_member_without_a_profile_and_remove(gw: OfflineDiscord, app: App) -> None:
    other = gw.add_user("lin")
    nobody = await gw.slash("profile show", user=gw.member_id, member=other)
    assert nobody.ephemeral and "has no profile" in nobody.text
    await make_profile(gw, other, bio="Lao PDR cooperatives")
    seen = await gw.slash("profile show", user=gw.member_id, member=other)
    assert "Lao PDR cooperatives" in seen.text and not seen.buttons  # no menus on someone else's profile
    gone = await gw.slash("profile remove", user=other)
    assert "deleted" in gone.text and await count(app, MemberProfile) == 0
    assert "nothing to delete" in (await gw.slash("profile remove", user=other)).text


async def test_members_filters_and_pages(gw: OfflineDiscord, app: App) -> None:
    for i in range(12):
        user = gw.add_user(f"m{i}")
        await make_profile(gw, user, country="Thailand" if i % 2 else "Mongolia", organisation_type="academia")
    first = await gw.slash("members", user=gw.member_id, country="ไทย")
    assert "6 members with a profile" in first.text
    page = await gw.slash("members", user=gw.member_id)
    assert "12 members" in page.text and "Page 1 of 2" in page.text
    turned = await gw.press(page, "Next ▶", user=gw.member_id)
    assert "Page 2 of 2" in turned.text
    assert "No member" in (await gw.slash("members", user=gw.member_id, organisation_type="government")).text


async def _question(app: App, thread_id: int, author: int, *, topic: str | None, country: str | None,
                    created: datetime) -> None:
    async with app.db.begin() as session:
        session.add(Question(thread_id=thread_id, forum_id=QA_FORUM, guild_id=GUILD_ID, author_id=author,
                             title=f"Question {thread_id} @everyone", country=country, topic=topic, created_at=created))


async def test_an_unanswered_question_goes_to_up_to_three_matching_peers_once(gw: OfflineDiscord, app: App) -> None:
    peers = []
    for i in range(5):
        user = gw.add_user(f"peer{i}")
        saved = await make_profile(gw, user, country="Thailand", happy_to_be_asked=i != 4)
        await gw.click(saved.message_id, select_id(saved, "sse:profiles:topics:"), user=user, values=["Finance"])
        peers.append(user)
    stranger = gw.add_user("vn")
    saved = await make_profile(gw, stranger, country="Viet Nam", happy_to_be_asked=True)
    await gw.click(saved.message_id, select_id(saved, "sse:profiles:topics:"), user=stranger, values=["Finance"])
    now = datetime.now(UTC)
    await _question(app, 9001, peers[0], topic="Finance", country="Thailand", created=now)
    assert await route_peers(gw.bot, now + timedelta(hours=1)) == 0  # not yet due
    assert await route_peers(gw.bot, now + timedelta(hours=7)) == 3
    assert await route_peers(gw.bot, now + timedelta(hours=8)) == 0  # each step once
    got = [uid for uid, text in dms(gw) if "Question 9001" in text]
    assert sorted(got) == sorted(peers[1:4])  # never the asker, never one who said no, not the other country
    note = next(text for uid, text in dms(gw) if "Question 9001" in text)
    assert f"/channels/{GUILD_ID}/9001" in note and "@everyone" not in note.replace("@\u200beveryone", "")
    assert await count(app, PeerRequest) == 3


async def test_the_weekly_cap_holds_per_member(gw: OfflineDiscord, app: App) -> None:
    user = gw.add_user("busy")
    saved = await make_profile(gw, user, happy_to_be_asked=True)
    await gw.click(saved.message_id, select_id(saved, "sse:profiles:topics:"), user=user, values=["Law"])
    now = datetime.now(UTC)
    for n in range(3):
        await _question(app, 9100 + n, gw.member_id, topic="Law", country=None, created=now)
    assert await route_peers(gw.bot, now + timedelta(hours=7)) == 2  # peer_requests_per_week: 2
    await _question(app, 9200, gw.member_id, topic="Law", country=None, created=now + timedelta(days=8))
    assert await route_peers(gw.bot, now + timedelta(days=8, hours=7)) == 1  # a week later, again


async def test_members_pages_store_nothing_never_expire_and_stay_the_owners(gw: OfflineDiscord, app: App) -> None:
    """/members writes no pager state: its buttons carry the filters, so they still turn after the saved
    queries are cleared (a restart, a clean-up), keep the filters, and only the member who asked may use them."""
    from db.models import SavedQuery

    for i in range(24):
        user = gw.add_user(f"p{i}")
        await make_profile(gw, user, country="Thailand" if i % 2 else "Mongolia", organisation_type="academia")
    page = await gw.slash("members", user=gw.member_id, country="Thailand", organisation_type="academia")
    assert "12 members" in page.text and "Page 1 of 2" in page.text
    assert await count(app, SavedQuery) == 0
    turned = await gw.press(page, "Next ▶", user=gw.member_id)
    assert "12 members" in turned.text and "Page 2 of 2" in turned.text  # the filters came with the button
    stranger = await gw.click(page.message_id, turned.button("◀ Previous")["custom_id"], user=gw.facilitator_id)
    assert stranger.ephemeral and "Only the person who ran this search" in stranger.embed["description"]


async def test_mentions_typed_into_the_options_come_back_inert_and_nothing_is_stored_twice(
        gw: OfflineDiscord, app: App) -> None:
    for options in ({"country": "@everyone <@123>"}, {"topic": "<@&5> **loud**"}, {"language": "@here <@123>"}):
        refused = await gw.slash("members", user=gw.member_id, **options)
        assert refused.ephemeral and refused.message["allowed_mentions"]["parse"] == []
        shown = refused.text
        assert "<@123>" not in shown and "<@&5>" not in shown, shown
        assert "@everyone" not in shown.replace("@\u200beveryone", "") and "@here" not in shown.replace("@\u200bhere", "")
    form = await gw.slash("profile set", user=gw.member_id, organisation_type="government", country="<@123> @everyone")
    assert form.ephemeral and "<@123>" not in form.text and form.message["allowed_mentions"]["parse"] == []
    await make_profile(gw, gw.member_id, org="First", bio="One.")
    again = await make_profile(gw, gw.member_id, org="Second", bio="Two.")
    assert "Second" in again.text and await count(app, MemberProfile) == 1  # the same profile, changed
