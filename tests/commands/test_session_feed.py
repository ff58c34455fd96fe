"""/session feed [reset] and the webcal:// links of /session ics, through the real discord.py code
path; the links the bot hands out are fetched from the web site (create_web_app, httpx ASGITransport)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from bot.app import App
from bot.web.app import create_web_app
from cogs.sessions.rsvp import RsvpService
from offline import OfflineDiscord
from tests.commands.test_sessions import create, session_id
from tests.conftest import base_config, said
from tests.feed_check import read_feed

PUBLIC = "https://sse.example.org"


@pytest.fixture
def config_data() -> dict[str, Any]:
    data = base_config()
    data["web"] = {"public_url": PUBLIC}
    return data


async def fetch(app: App, url: str) -> httpx.Response:
    assert url.startswith(PUBLIC + "/calendar/"), url
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_web_app(app)), base_url=PUBLIC) as client:
        return await client.get(url.removeprefix(PUBLIC))


def links(text: str) -> tuple[str, str]:
    """(the https link, the webcal:// link) of a /session feed reply."""
    [https] = re.findall(r"<(https://[^>\s]+)>", text)
    [webcal] = re.findall(r"`(webcal://[^`\s]+)`", text)
    return https, webcal


async def test_feed_sends_the_personal_link_privately_and_it_opens_my_sessions(gw: OfflineDiscord, app: App) -> None:
    await create(gw, title="Cooperative law clinic")
    sid = await session_id(app)
    async with app.db.begin() as session:
        await app.service(RsvpService).rsvp(session, sid, gw.member_id, "going")
    first = await gw.slash("session feed", user=gw.member_id)
    assert first.ephemeral and first.callback is not None
    assert first.callback.json["data"]["allowed_mentions"] == {"parse": []}
    https, webcal = links(first.content)
    assert webcal == https.replace("https://", "webcal://", 1)
    answer = await fetch(app, https)
    assert answer.status_code == 200
    [mine] = read_feed(answer.content)[1]
    assert mine.uid == f"session-{sid}@sse-bot" and mine.url == "https://zoom.us/j/123"

    again = await gw.slash("session feed", user=gw.member_id)  # shown once: not again
    assert again.ephemeral and "webcal://" not in again.content and "/session feed reset" in again.content

    reset = await gw.slash("session feed", user=gw.member_id, reset=True)
    assert reset.ephemeral and reset.content.startswith(
        said("en", "Done: your old feed link no longer works. Here is the new one."))
    new_https, _ = links(reset.content)
    assert new_https != https
    assert (await fetch(app, https)).status_code == 404  # the old link is revoked at once
    assert (await fetch(app, new_https)).status_code == 200


async def test_feed_answers_in_the_members_language(gw: OfflineDiscord, app: App) -> None:
    result = await gw.slash("session feed", user=gw.member_id, locale="th")
    assert result.ephemeral and said("th", "Your personal calendar feed: the sessions you RSVPed Going or "
                                     "Interested, with their join links.") in result.content
    https, _ = links(result.content)
    _, occurrences = read_feed((await fetch(app, https)).content)
    assert occurrences == []


async def test_ics_reply_links_the_public_feeds_of_the_series_and_of_everything(gw: OfflineDiscord, app: App) -> None:
    await create(gw, repeat="weekly", occurrences=3)
    sid = await session_id(app)
    result = await gw.slash("session ics", user=gw.member_id, session=str(sid))
    assert result.ephemeral and result.files
    feeds = re.findall(r"`(webcal://[^`\s]+)`", result.content)
    assert len(feeds) == 2 and f"{PUBLIC}/calendar.ics".replace("https", "webcal") in feeds
    [series_link] = [f for f in feeds if "/series/" in f]
    answer = await fetch(app, series_link.replace("webcal://", "https://", 1))
    occurrences = read_feed(answer.content)[1]
    assert len(occurrences) == 3 and {o.uid for o in occurrences} == {occurrences[0].uid}


@pytest.mark.parametrize("config_data", [base_config()])  # config.yaml without web.public_url
async def test_without_a_public_address_feed_says_so_politely(gw: OfflineDiscord, app: App) -> None:
    result = await gw.slash("session feed", user=gw.member_id)
    assert result.ephemeral and "web.public_url" in result.content and "webcal://" not in result.content
    await create(gw)
    ics = await gw.slash("session ics", user=gw.member_id, session=str(await session_id(app)))
    assert ics.files and "webcal://" not in ics.content
