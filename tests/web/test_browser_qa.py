"""The published Q&A in a real headless Chromium (the fixtures and the system browser of
tests/web/test_browser.py): a published question's page with its placeholders, and an unpublished
one answering 404 with nothing of its text."""

from __future__ import annotations

from typing import Any

from bot.app import App
from bot.web.serve import WebServer
from tests.services.test_qa_public import make_posts
from tests.web import test_browser as chrome

pytestmark = chrome.pytestmark
site = chrome.site
browser = chrome.browser


async def test_a_published_question_and_an_unpublished_one(app: App, site: WebServer, browser: Any) -> None:
    posts = await make_posts(app)
    problems: list[str] = []
    page = await chrome.open_page(browser, f"{site.address}qa/{posts['public'].thread}?lang=th", problems)
    assert await page.evaluate("document.documentElement.lang") == "th"
    assert (await page.inner_text("h1")).strip() == "Registering a cooperative in Da Lat"
    body = await page.inner_text("main")
    assert "Which office registers a cooperative under the 2023 law?" in body
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "fits a phone"
    assert problems == [], "no CSP violation or script error"

    hidden = await (await browser.new_context()).new_page()
    response = await hidden.goto(f"{site.address}qa/{posts['private_asker'].thread}")
    assert response is not None and response.status == 404
    assert "microcredit" not in (await hidden.content())
