"""The glossary, resources and session pages in a real headless Chromium on a phone-sized screen
(the fixtures and the system browser of tests/web/test_browser.py): a term page in Thai and in
Khmer, the resources filter and the time-zone picker used without JavaScript."""

from __future__ import annotations

import io
import statistics
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.app import App
from bot.permissions import Actor
from bot.web.serve import WebServer
from cogs.resources.service import ResourceService
from cogs.sessions.parsing import SessionDraft
from cogs.sessions.planning import PlanningService
from tests.conftest import FACILITATOR_ROLE
from tests.web import test_browser as chrome

pytestmark = chrome.pytestmark
site = chrome.site
browser = chrome.browser


async def test_a_term_page_in_thai_and_khmer(app: App, site: WebServer, browser: Any) -> None:
    from PIL import Image

    term = next(t for t in app.content.terms if t.id == "cooperative")
    for lang, font in (("th", "Noto Sans Thai"), ("km", "Noto Sans Khmer")):
        problems: list[str] = []
        page = await chrome.open_page(browser, f"{site.address}glossary/cooperative?lang={lang}", problems)
        assert await page.evaluate("document.documentElement.lang") == lang
        assert (await page.inner_text("h1")).strip() == term.translations[lang].name
        assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "fits a phone"
        assert await page.locator("table.versions a[hreflang=km]").count() == 1
        image = Image.open(io.BytesIO(await page.locator("h1").screenshot())).convert("L")
        assert statistics.pstdev(list(image.getdata())) > 20, "the heading was drawn"
        assert await page.evaluate(f"document.fonts.check('16px \"{font}\"', {term.translations[lang].name!r})")
        assert problems == [], "no CSP violation or script error"


async def test_the_resources_filter_works_without_javascript(app: App, site: WebServer, browser: Any) -> None:
    problems: list[str] = []
    page = await chrome.open_page(browser, f"{site.address}resources?lang=km", problems, java_script_enabled=False)
    await page.select_option("select[name=country]", "TH")
    await page.select_option("select[name=type]", "law")
    await page.click("form.filters button[type=submit]")
    await page.wait_for_load_state()
    assert "country=TH" in page.url and "type=law" in page.url and "lang=km" in page.url
    service = app.service(ResourceService)
    expected = service.search(service.parse_filters(country="TH", type="law"), page_size=10_000).items
    shown = await page.locator("ul.resources > li").evaluate_all("items => items.map(i => i.id)")
    assert shown == [r.id for r in expected] and shown
    assert problems == []


async def test_the_time_zone_picker_works_without_javascript(app: App, site: WebServer, browser: Any) -> None:
    start = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%d 14:00")
    async with app.db.begin() as session:
        await app.service(PlanningService).create(session, Actor(11, frozenset({FACILITATOR_ROLE})), SessionDraft(
            title="Cooperative law clinic", start=start, timezone="Asia/Bangkok"))
    problems: list[str] = []
    page = await chrome.open_page(browser, f"{site.address}sessions?lang=th", problems, java_script_enabled=False)
    await page.select_option("select[name=tz]", "Asia/Tokyo")
    await page.click("form.filters button[type=submit]")
    await page.wait_for_load_state()
    assert "tz=Asia%2FTokyo" in page.url
    assert "16:00" in await page.inner_text("section[aria-labelledby=upcoming] time")  # 14:00 Bangkok
    assert problems == []
