"""The members directory on the web: only members with a profile who also publish, the /members
filters, names they chose (never ids), and everything they typed escaped."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bot.app import App
from cogs.privacy.publish import set_publishing
from cogs.profiles.service import ProfileService
from tests.conftest import base_config
from tests.web.conftest import Page

# Somchai publishes with a profile, Tuya has a profile and does not publish, the third publishes without one
SOMCHAI, TUYA, NOPROFILE, BATBAYAR = 710000000000000011, 710000000000000012, 710000000000000013, 710000000000000014


@pytest.fixture
def config_data() -> dict[str, Any]:
    data = base_config()
    data["qa"] = {"topics": ["Finance", "Law"]}
    return data


async def profile(app: App, user_id: int, *, country: str, org_type: str, topics: tuple[str, ...],
                  languages: tuple[str, ...], bio: str) -> None:
    service = app.service(ProfileService)
    async with app.db.begin() as session:
        form = service.check_form(country=country, org_type=org_type, org_name="Secret Org Ltd", bio=bio,
                                  happy_to_be_asked=False)
        await service.save(session, user_id, form)
        await service.set_topics(session, user_id, topics)
        await service.set_languages(session, user_id, languages)


@pytest.fixture
async def directory(app: App) -> None:
    await profile(app, SOMCHAI, country="TH", org_type="cooperative", topics=("Finance",), languages=("th", "en"),
                  bio="<script>alert(1)</script> I run a <b>weaving</b> cooperative")
    await profile(app, TUYA, country="MN", org_type="government", topics=("Law",), languages=("mn",),
                  bio="Tuya's private bio")
    await profile(app, BATBAYAR, country="MN", org_type="academia", topics=("Law",), languages=("mn", "ru"),
                  bio="Research on cooperatives")
    async with app.db.begin() as session:
        await set_publishing(session, SOMCHAI, True, "Somchai <i>K</i>")
        await set_publishing(session, NOPROFILE, True, "Nobody")
        await set_publishing(session, BATBAYAR, True, "Batbayar")


def names(page: Page) -> list[str]:
    return [text for tag, text in page.headings if tag == "h2" and text != "Read this page in"]


async def test_only_members_with_a_profile_who_publish_are_listed(client: httpx.AsyncClient, directory: None) -> None:
    response = await client.get("/members")
    assert response.status_code == 200
    page = Page(response.text)
    assert sorted(names(page)) == ["Batbayar", "Somchai <i>K</i>"]
    assert "Tuya" not in response.text and "Nobody" not in response.text
    assert "<script>alert(1)</script> I run a <b>weaving</b> cooperative" in page.text  # as text
    assert not page.all("b") and not page.all("i") and [s for s in page.scripts if s[0].get("type") != "application/ld+json"] == []
    assert "Thailand" in page.text and "Cooperative" in page.text and "Finance" in page.text and "Thai" in page.text
    assert "Secret Org Ltd" not in page.text  # the organisation's name stays on Discord
    for uid in (SOMCHAI, TUYA, NOPROFILE, BATBAYAR):
        assert str(uid) not in response.text


async def test_the_filters_of_the_command_work(client: httpx.AsyncClient, directory: None) -> None:
    assert names(Page((await client.get("/members", params={"country": "Mongolia"})).text)) == ["Batbayar"]
    assert names(Page((await client.get("/members", params={"country": "MN"})).text)) == ["Batbayar"]
    assert names(Page((await client.get("/members", params={"topic": "finance"})).text)) == ["Somchai <i>K</i>"]
    assert names(Page((await client.get("/members", params={"language": "ru"})).text)) == ["Batbayar"]
    assert names(Page((await client.get("/members", params={"type": "cooperative"})).text)) == ["Somchai <i>K</i>"]
    none = Page((await client.get("/members", params={"country": "TH", "topic": "Law"})).text)
    assert names(none) == [] and "No published member profile matches." in none.text
    page = Page((await client.get("/members", params={"country": "Mongolia"})).text)
    chosen = [o for o in page.all("option") if "selected" in o]
    assert [o["value"] for o in chosen] == ["MN"]
    assert page.first("label", **{"for": "filter-country"})


async def test_an_unknown_filter_is_a_polite_message_with_suggestions(client: httpx.AsyncClient,
                                                                    directory: None) -> None:
    response = await client.get("/members", params={"country": "Mongolai<script>"})
    assert response.status_code == 200
    page = Page(response.text)
    assert "I don't know the country" in page.text and "Mongolia" in page.text
    assert names(page) == [] and [s for s in page.scripts if s[0].get("type") != "application/ld+json"] == []


async def test_turning_publishing_off_removes_the_member_at_once(app: App, client: httpx.AsyncClient,
                                                                 directory: None) -> None:
    async with app.db.begin() as session:
        await set_publishing(session, SOMCHAI, False)
    assert names(Page((await client.get("/members")).text)) == ["Batbayar"]


async def test_the_directory_reads_in_thai(client: httpx.AsyncClient, directory: None) -> None:
    page = Page((await client.get("/members", params={"lang": "th"})).text)
    assert page.first("html")["lang"] == "th"
    assert "ประเทศไทย" in page.text or "ไทย" in page.text
