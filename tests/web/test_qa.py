"""The published Q&A pages through the ASGI stack: only what askers and answerers consented to,
404 for everything else (the same page as an unknown address), gone at once after an opt-out, and
hostile text shown as text."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from bot.app import App
from cogs.privacy.service import PrivacyService
from tests.conftest import said
from tests.services.test_qa_public import ANH, BOLD, CHANDA, DARA, Post, ask, make_posts, publish
from tests.web.conftest import Page


@pytest.fixture
async def posts(app: App) -> dict[str, Post]:
    return await make_posts(app)

MEMBER_IDS = [str(uid) for uid in (ANH, BOLD, CHANDA, DARA)]


def ld(page: Page) -> dict[str, Any]:
    [(_attrs, body)] = [s for s in page.scripts if s[0].get("type") == "application/ld+json"]
    data = json.loads(body)
    assert isinstance(data, dict)
    return data


def no_member_ids(html: str) -> None:
    # the members' ids are small in these fixtures: look for them as whole numbers in links and text
    for uid in MEMBER_IDS:
        assert f"/{uid}" not in html and f">{uid}<" not in html and f'"{uid}"' not in html


async def test_the_index_lists_only_published_questions(client: httpx.AsyncClient, posts: dict[str, Post]) -> None:
    response = await client.get("/qa")
    assert response.status_code == 200
    page = Page(response.text)
    titles = [text for tag, text in page.headings if tag == "h2" and text != "Read this page in"]
    assert titles == ["Bold's question on tax rules", "Registering a cooperative in Da Lat"]
    assert "microcredit" not in page.text and "Unsolved" not in page.text
    assert "Asked by Anh <b>Nguyen</b>" in page.text  # the chosen name, as text
    hrefs = [a["href"] for a in page.all("a") if str(a.get("href", "")).startswith("/qa/")]
    assert hrefs == [f"/qa/{posts['hidden_accepted'].thread}", f"/qa/{posts['public'].thread}"]
    no_member_ids(response.text)


async def test_a_question_page_shows_published_answers_and_placeholders(client: httpx.AsyncClient,
                                                                       posts: dict[str, Post]) -> None:
    response = await client.get(f"/qa/{posts['public'].thread}")
    assert response.status_code == 200
    page = Page(response.text)
    assert ("h1", "Registering a cooperative in Da Lat") in page.headings
    assert "Which office registers a cooperative under the 2023 law?" in page.text
    assert ("h2", "Accepted answer") in page.headings and ("h3", "Bold") in page.headings
    assert "The district office does it" in page.text
    assert "An answer from a member who has not published their messages" in page.text
    assert "Chanda" not in response.text and "cousin" not in response.text
    no_member_ids(response.text)

    data = ld(page)
    assert data["@type"] == "QAPage"
    entity = data["mainEntity"]
    assert entity["name"] == "Registering a cooperative in Da Lat" and entity["answerCount"] == 1
    assert entity["author"] == {"@type": "Person", "name": "Anh <b>Nguyen</b>"}
    assert entity["acceptedAnswer"]["text"] == "The district office does it"
    assert entity["acceptedAnswer"]["author"]["name"] == "Bold"
    assert "suggestedAnswer" not in entity


async def test_an_unpublished_accepted_answer_is_not_the_accepted_answer(client: httpx.AsyncClient,
                                                                         posts: dict[str, Post]) -> None:
    response = await client.get(f"/qa/{posts['hidden_accepted'].thread}")
    page = Page(response.text)
    assert response.status_code == 200 and "Dara" not in response.text
    entity = ld(page)["mainEntity"]
    assert "acceptedAnswer" not in entity and entity["answerCount"] == 0
    assert ("h2", "Accepted answer") not in page.headings


async def test_unpublished_pages_are_the_404_of_an_unknown_address(client: httpx.AsyncClient,
                                                                   posts: dict[str, Post]) -> None:
    unknown = await client.get("/qa/4242")
    assert unknown.status_code == 404
    for name in ("private_asker", "unsolved"):
        thread = posts[name].thread
        response = await client.get(f"/qa/{thread}")
        assert response.status_code == 404
        assert response.text.replace(str(thread), "4242") == unknown.text, "nothing tells them apart"
        assert "microcredit" not in response.text and "Unsolved" not in response.text
    assert (await client.get("/qa/not-a-number")).status_code == 404


async def test_opting_out_or_forgetting_takes_the_page_down_at_once(app: App, client: httpx.AsyncClient,
                                                                    posts: dict[str, Post]) -> None:
    path = f"/qa/{posts['public'].thread}"
    assert (await client.get(path)).status_code == 200
    await publish(app, BOLD, "Bold", on=False)
    page = Page((await client.get(path)).text)
    assert "The district office does it" not in page.text and "acceptedAnswer" not in ld(page)["mainEntity"]
    async with app.db.begin() as session:
        await app.service(PrivacyService).forget(session, ANH)
    assert (await client.get(path)).status_code == 404
    index = Page((await client.get("/qa")).text)
    assert "Registering a cooperative" not in index.text
    sitemap = (await client.get("/sitemap.xml")).text
    assert path not in sitemap and f"/qa/{posts['hidden_accepted'].thread}" not in sitemap


async def test_the_sitemap_lists_published_questions_only(client: httpx.AsyncClient, posts: dict[str, Post]) -> None:
    sitemap = (await client.get("/sitemap.xml")).text
    assert f"/qa/{posts['public'].thread}</loc>" in sitemap
    assert f"/qa/{posts['hidden_accepted'].thread}</loc>" in sitemap
    assert f"/qa/{posts['private_asker'].thread}" not in sitemap and f"/qa/{posts['unsolved'].thread}" not in sitemap
    assert "/qa</loc>" in sitemap


HOSTILE_TITLE = "<script>alert(1)</script> & {{ 7*7 }}"
HOSTILE_BODY = '"><img src=x onerror=alert(1)>\n</script><svg onload=alert(2)>\n<@123456789012345678> hi <#900000000000000203>'
HOSTILE_ANSWER = "</script><script>alert(3)</script> javascript:alert(4) <a href=x>link</a> <:coop:987654321098765432>"


async def test_hostile_question_and_answer_text_is_shown_as_text(app: App, client: httpx.AsyncClient) -> None:
    await publish(app, ANH, "<b onmouseover=alert(5)>Anh</b>")
    await publish(app, BOLD, "Bold")
    post = await ask(app, ANH, HOSTILE_TITLE, HOSTILE_BODY, [(BOLD, HOSTILE_ANSWER)])
    for path in (f"/qa/{post.thread}", "/qa", "/"):
        response = await client.get(path)
        assert response.status_code == 200, path
        page = Page(response.text)
        assert [a for a, _ in page.scripts if a.get("type") != "application/ld+json"] == [], path
        assert not page.all("img") and not page.all("svg") and not page.all("b"), path
        for _tag, attrs in page.elements:
            assert not any(name.startswith("on") for name in attrs), attrs
        assert not [a for a in page.all("a") if a.get("href") == "x"]
        assert "49" not in page.text
        assert HOSTILE_TITLE in page.text, path
    page = Page((await client.get(f"/qa/{post.thread}")).text)
    assert '"><img src=x onerror=alert(1)>' in page.text and "<a href=x>link</a>" in page.text
    assert "123456789012345678" not in page.text and "987654321098765432" not in page.text  # no ids in mentions
    assert "@… hi #…" in page.text and ":coop:" in page.text
    entity = ld(page)["mainEntity"]  # the JSON-LD block stays one block and reads back exactly
    assert entity["name"] == HOSTILE_TITLE
    assert entity["acceptedAnswer"]["text"].startswith("</script><script>alert(3)</script>")


async def test_the_home_page_shows_the_newest_published_questions(client: httpx.AsyncClient,
                                                                 posts: dict[str, Post]) -> None:
    page = Page((await client.get("/")).text)
    assert ("h2", "Newest solved questions") in page.headings
    links = {a.get("href") for a in page.all("a")}
    assert f"/qa/{posts['public'].thread}" in links and f"/qa/{posts['private_asker'].thread}" not in links
    assert "Chanda's question" not in page.text


async def test_search_finds_published_questions_and_never_unpublished_text(client: httpx.AsyncClient,
                                                                           posts: dict[str, Post]) -> None:
    page = Page((await client.get("/search", params={"q": "district office"})).text)
    assert ("h2", "Questions and answers") in page.headings
    assert ("h3", "Registering a cooperative in Da Lat") in page.headings
    assert "The district office does it" in page.text
    for words in ("cousin", "microcredit", "Dara's unpublished", "Unsolved"):
        found = Page((await client.get("/search", params={"q": words})).text)
        assert not [a for a in found.all("a") if str(a.get("href", "")).startswith("/qa/")], words
        assert words not in found.text.replace(f"“{words}”", "").replace(f"Search: {words}", ""), words


@pytest.mark.parametrize("lang", ["th", "km"])
async def test_the_placeholder_reads_in_the_visitors_language(client: httpx.AsyncClient, posts: dict[str, Post],
                                                              lang: str) -> None:
    page = Page((await client.get(f"/qa/{posts['public'].thread}", params={"lang": lang})).text)
    assert page.first("html")["lang"] == lang
    placeholder = said(lang, "An answer from a member who has not published their messages")
    assert placeholder != "An answer from a member who has not published their messages"
    assert placeholder in page.text


async def test_a_post_of_an_archived_channel_is_never_a_page(app: App, client: httpx.AsyncClient) -> None:
    from tests.conftest import ARCHIVED

    await publish(app, ANH, "Anh")
    await publish(app, BOLD, "Bold")
    post = await ask(app, ANH, "Thread in the archived channel", "text", [(BOLD, "reply")], forum=ARCHIVED)
    assert (await client.get(f"/qa/{post.thread}")).status_code == 404
    assert "Thread in the archived channel" not in (await client.get("/qa")).text
    assert f"/qa/{post.thread}" not in (await client.get("/sitemap.xml")).text


async def test_the_home_page_drops_a_question_at_once_on_opt_out_or_when_its_forum_is_archived(
        app: App, client: httpx.AsyncClient, posts: dict[str, Post]) -> None:
    import dataclasses

    def home_links(html: str) -> set[str]:
        return {str(a.get("href")) for a in Page(html).all("a")}

    path = f"/qa/{posts['public'].thread}"
    assert path in home_links((await client.get("/")).text)
    # the asker stops publishing: gone from the next page on
    await publish(app, ANH, "Anh", on=False)
    assert path not in home_links((await client.get("/")).text)
    await publish(app, ANH, "Anh")
    assert path in home_links((await client.get("/")).text)
    # /setup makes the Q&A forum an archived channel: never published, from the next page on
    from tests.conftest import QA_FORUM

    before = app.guild.current
    app.guild.current = dataclasses.replace(before, archived=(*before.archived, QA_FORUM))
    try:
        page = (await client.get("/")).text
        assert path not in home_links(page) and "Registering a cooperative" not in page
        assert (await client.get(path)).status_code == 404
    finally:
        app.guild.current = before
    assert path in home_links((await client.get("/")).text)
