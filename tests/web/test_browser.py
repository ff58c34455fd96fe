"""The site in a real headless Chromium (Debian's ``chromium``, driven by Playwright with the system
browser; ``.ci/browser.sh`` installs it and the Noto fonts): the home page in English, Thai and
Khmer, the search box used without JavaScript, no Content-Security-Policy violation, and a Thai
screenshot that is not blank. Skipped, saying why, only where Chromium is not installed."""

from __future__ import annotations

import io
import shutil
import statistics
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.app import App
from bot.web.serve import WebServer, start_web
from tests.conftest import said

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HEADING = "The community of practice on the Social and Solidarity Economy in Asia"

pytestmark = pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="Debian's chromium is not installed: run .ci/browser.sh (apt-get install chromium fonts-noto-core "
           "fonts-noto-cjk) to run the browser tests")


@pytest.fixture
async def site(app: App) -> AsyncIterator[WebServer]:
    server = await start_web(app, host="127.0.0.1", port=0)
    assert server is not None
    yield server
    await server.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                    args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        await chromium.close()


async def open_page(browser: Any, url: str, problems: list[str], **context: Any) -> Any:
    page = await (await browser.new_context(viewport={"width": 390, "height": 844}, **context)).new_page()  # a phone
    page.on("console", lambda message: problems.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    response = await page.goto(url)
    assert response is not None and response.status == 200
    return page


@pytest.mark.parametrize("lang", ["en", "th", "km"])
async def test_home_page_renders_in_the_browser(site: WebServer, browser: Any, lang: str) -> None:
    problems: list[str] = []
    page = await open_page(browser, f"{site.address}?lang={lang}", problems)
    assert await page.evaluate("document.documentElement.lang") == lang
    assert (await page.inner_text("h1")).strip() == said(lang, HEADING)
    # the stylesheet came from the site and applies; the page fits a phone's width
    assert await page.evaluate("getComputedStyle(document.body).maxWidth") != "none"
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert problems == [], "no CSP violation or script error"


async def test_the_search_box_works_without_javascript(site: WebServer, browser: Any) -> None:
    problems: list[str] = []
    page = await open_page(browser, f"{site.address}search?lang=th", problems, java_script_enabled=False)
    await page.fill("input[name=q]", "สหกรณ์")
    await page.press("input[name=q]", "Enter")
    await page.wait_for_load_state()
    assert "lang=th" in page.url and "q=" in page.url
    assert "สหกรณ์" in await page.inner_text("main")
    assert problems == []


async def test_a_thai_screenshot_is_not_blank(site: WebServer, browser: Any) -> None:
    from PIL import Image

    problems: list[str] = []
    page = await open_page(browser, f"{site.address}?lang=th", problems)
    heading = page.locator("h1")
    image = Image.open(io.BytesIO(await heading.screenshot())).convert("L")
    pixels = list(image.getdata())
    assert statistics.pstdev(pixels) > 20, "the heading's pixels vary: text was drawn"
    dark = sum(1 for p in pixels if p < 128) / len(pixels)
    assert 0.02 < dark < 0.6, f"ink covers {dark:.0%} of the heading"
    # Thai glyphs came from a Thai font: the Noto Sans Thai the stylesheet names is on the system
    assert await page.evaluate("document.fonts.check('16px \"Noto Sans Thai\"', 'สหกรณ์')")
