"""ProfileService on a real migrated database: the directory, the web list, privacy, peer routing
claimed once across two instances, and who answered."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.app import App
from bot.errors import InvalidInput
from cogs.profiles.privacy import privacy_export, privacy_forget, privacy_show
from cogs.profiles.service import DirectoryFilters, ProfileService
from cogs.qa.models import Question
from cogs.search.models import ArchivedMessage
from db.models import UserPreference
from tests.conftest import base_config


@pytest.fixture
def config_data() -> dict[str, Any]:
    data = base_config()
    data["qa"] = {"topics": ["Finance", "Law"], "route_peers_after_hours": 6, "peer_requests_per_week": 2}
    return data


async def profile(app: App, user_id: int, *, country: str | None = "TH", org_type: str = "cooperative",
                  topics: tuple[str, ...] = (), languages: tuple[str, ...] = (), happy: bool = False) -> None:
    service = app.service(ProfileService)
    async with app.db.begin() as session:
        form = service.check_form(country=country, org_type=org_type, org_name=None, bio="Bio", happy_to_be_asked=happy)
        await service.save(session, user_id, form)
        await service.set_topics(session, user_id, topics)
        await service.set_languages(session, user_id, languages)


async def test_the_directory_filters_by_every_field_and_pages(app: App) -> None:
    await profile(app, 1, country="TH", topics=("Finance",), languages=("th", "en"))
    await profile(app, 2, country="MN", org_type="government", topics=("Law",), languages=("mn",))
    await profile(app, 3, country="TH", org_type="academia", topics=("Finance", "Law"), languages=("en",))
    service = app.service(ProfileService)
    async with app.db.begin() as session:
        def ids(page: Any) -> set[int]:
            return {p.user_id for p in page.members}
        assert ids(await service.directory(session, service.parse_filters(country="Thailand"))) == {1, 3}
        assert ids(await service.directory(session, service.parse_filters(topic="law"))) == {2, 3}
        assert ids(await service.directory(session, service.parse_filters(language="English"))) == {1, 3}
        assert ids(await service.directory(session, service.parse_filters(org_type="Government"))) == {2}
        assert ids(await service.directory(session, service.parse_filters(country="TH", topic="Law",
                                                                          language="en"))) == {3}
        paged = await service.directory(session, DirectoryFilters(), page=2, per_page=2)
        assert (paged.page, paged.pages, paged.total, len(paged.members)) == (2, 2, 3, 1)


def test_unknown_values_are_refused_with_suggestions(app: App) -> None:
    service = app.service(ProfileService)
    with pytest.raises(InvalidInput) as country:
        service.parse_country("Mongolai")
    assert "Mongolia" in country.value.suggestions
    with pytest.raises(InvalidInput) as topic:
        service.parse_topic("Lwa")
    assert topic.value.suggestions == ["Law"]
    with pytest.raises(InvalidInput) as bio:
        service.check_form(country=None, org_type="other", org_name=None, bio="x" * 301, happy_to_be_asked=False)
    assert "301" in bio.value.message


async def test_published_lists_only_members_who_opted_in_to_the_web(app: App) -> None:
    await profile(app, 1)
    await profile(app, 2)
    async with app.db.begin() as session:
        session.add(UserPreference(user_id=2, publish_web=True))
        session.add(UserPreference(user_id=3, publish_web=True))  # no profile: not listed
    async with app.db.begin() as session:
        assert [p.user_id for p in await app.service(ProfileService).published(session)] == [2]


async def test_privacy_shows_exports_and_forgets_the_profile(app: App) -> None:
    await profile(app, 7, topics=("Finance",), languages=("vi",))
    async with app.db.begin() as session:
        assert [line.count for line in await privacy_show(session, 7)] == [1]
        exported = await privacy_export(session, 7)
        assert exported["profile"]["topics"] == ["Finance"] and exported["profile"]["languages"] == ["vi"]
        json.dumps(exported)
        assert await privacy_forget(session, 7) == 3
    async with app.db.begin() as session:
        assert await app.service(ProfileService).get(session, 7) is None
        assert await privacy_show(session, 7) == []


async def _question(app: App, thread_id: int, *, author: int = 99, created: datetime) -> None:
    async with app.db.begin() as session:
        session.add(Question(thread_id=thread_id, forum_id=1, guild_id=1, author_id=author, title="Q",
                             country="Thailand", topic="Finance", created_at=created))


async def test_two_instances_routing_at_once_ask_each_peer_once(app: App) -> None:
    for uid in (1, 2, 3, 4):
        await profile(app, uid, topics=("Finance",), happy=True)
    now = datetime.now(UTC)
    await _question(app, 500, created=now - timedelta(hours=7))
    service = app.service(ProfileService)

    async def instance() -> list[int]:
        async with app.db.begin_write() as session:
            return [p for r in await service.route_peers(session, now) for p in r.peer_user_ids]

    first, second = await asyncio.gather(instance(), instance())
    assert len(first + second) == 3 and len(set(first + second)) == 3  # one instance did the step
    async with app.db.begin() as session:
        assert await service.route_peers(session, now + timedelta(hours=1)) == []


async def test_peer_requests_say_who_answered(app: App) -> None:
    await profile(app, 1, topics=("Finance",), happy=True)
    await profile(app, 2, topics=("Finance",), happy=True)
    now = datetime.now(UTC)
    await _question(app, 600, created=now - timedelta(hours=7))
    service = app.service(ProfileService)
    async with app.db.begin() as session:
        await service.route_peers(session, now)
        session.add(ArchivedMessage(id=601, channel_id=600, guild_id=1, thread_id=600, author_id=2, content="Try X",
                                    created_at=now, kind="answer"))
    async with app.db.begin() as session:
        records = {r.peer_user_id: r.answered for r in await service.peer_requests(session)}
    assert records == {1: False, 2: True}


async def test_the_web_directory_pages_members_who_publish_with_the_commands_filters(app: App) -> None:
    from cogs.privacy.publish import set_publishing

    for uid in (1, 2, 3, 4):
        await profile(app, uid, country="MN" if uid % 2 else "TH", topics=("Law",) if uid < 3 else ())
    async with app.db.begin() as session:
        for uid in (1, 2, 3):
            await set_publishing(session, uid, True, f"member {uid}")
        await set_publishing(session, 3, False)  # changed their mind
    service = app.service(ProfileService)
    async with app.db.begin() as session:
        everyone = await service.published_directory(session, DirectoryFilters(), per_page=1)
        assert (everyone.total, everyone.pages, len(everyone.members)) == (2, 2, 1)
        law_mn = await service.published_directory(session, service.parse_filters(country="Mongolia", topic="Law"))
        assert [p.user_id for p in law_mn.members] == [1]


async def test_the_directory_sees_changes_made_by_another_bot_process(app: App) -> None:
    await profile(app, 1, country="TH", topics=("Finance",))
    await profile(app, 2, country="MN", topics=("Law",))
    here = app.service(ProfileService)
    other = ProfileService(app.config)  # a second instance's service, on the same database
    async with app.db.begin() as session:
        assert {p.user_id for p in (await here.directory(session, DirectoryFilters(topic="Finance"))).members} == {1}
    async with app.db.begin() as session:
        await other.set_topics(session, 2, ["Finance", "Law"])
    async with app.db.begin() as session:
        assert {p.user_id for p in (await here.directory(session, DirectoryFilters(topic="Finance"))).members} == {1, 2}
    async with app.db.begin() as session:
        await other.remove(session, 1)
    async with app.db.begin() as session:
        found = await here.directory(session, DirectoryFilters())
    assert [p.user_id for p in found.members] == [2] and found.total == 1
