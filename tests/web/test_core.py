"""The site's core as a visitor (and a search engine) meets it: languages, headers, robots, sitemap,
the 404 page, and refusals of anything but reading."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import httpx
import pytest

from bot.i18n import LANGUAGES
from bot.web.page import json_ld
from tests.conftest import base_config, said
from tests.web.conftest import Page


@pytest.fixture
def config_data(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The test config, with a test's own keys (``indirect`` parametrisation) on top."""
    return {**base_config(), **getattr(request, "param", {})}


HEADING = "The community of practice on the Social and Solidarity Economy in Asia"
HREFLANGS = {"en", "th", "vi", "km", "lo", "mn", "ky", "ru", "id", "ms", "fil", "zh-Hans", "ja", "ko", "x-default"}


@pytest.mark.parametrize("lang", ["en", "th", "km"])
async def test_home_page_in_the_language_asked_for(client: httpx.AsyncClient, lang: str) -> None:
    response = await client.get("/", params={"lang": lang})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = Page(response.text)
    assert page.first("html")["lang"] == lang
    assert page.first("meta", name="viewport")["content"] == "width=device-width, initial-scale=1"
    h1 = [text for tag, text in page.headings if tag == "h1"]
    assert h1 == [said(lang, HEADING)]
    if lang != "en":
        assert h1[0] != HEADING, "the heading is translated"
    alternates = {a["hreflang"]: a["href"] for a in page.all("link", rel="alternate")}
    assert set(alternates) == HREFLANGS
    assert alternates["th"] == "http://127.0.0.1:8080/?lang=th"
    assert alternates["x-default"] == "http://127.0.0.1:8080/"
    assert page.first("link", rel="canonical")["href"] == f"http://127.0.0.1:8080/?lang={lang}"
    # the skip link leads to the main content; every language is one link away
    assert page.first("a", **{"class": "skip-link"})["href"] == "#main"
    assert page.first("main")["id"] == "main"
    pickers = [a for a in page.all("a") if a.get("hreflang")]
    assert {a["hreflang"] for a in pickers} == HREFLANGS - {"x-default"}
    assert next(a for a in pickers if a["hreflang"] == lang).get("aria-current") == "true"
    # the site's links keep the language chosen
    assert page.first("a", href=f"/search?lang={lang}") if lang != "en" else True


async def test_accept_language_picks_the_best_of_our_languages(client: httpx.AsyncClient) -> None:
    async def lang_for(header: str) -> str:
        response = await client.get("/", headers={"Accept-Language": header})
        assert "Accept-Language" in response.headers["vary"]
        return str(Page(response.text).first("html")["lang"])

    assert await lang_for("km-KH,km;q=0.9,en;q=0.8") == "km"
    assert await lang_for("fr-FR,fr;q=0.9,th;q=0.5,en;q=0.4") == "th", "French is not ours: the next best"
    assert await lang_for("en;q=0.3, ja;q=0.8") == "ja", "by q-value, not by order"
    assert await lang_for("zh-CN,zh;q=0.9") == "zh-Hans"
    assert await lang_for("tl-PH") == "fil"
    assert await lang_for("de, fr") == "en", "none of ours: the community's default"
    assert await lang_for("th;q=0, ko") == "ko", "q=0 means not acceptable"
    # ?lang= wins over the header
    response = await client.get("/?lang=lo", headers={"Accept-Language": "th"})
    assert Page(response.text).first("html")["lang"] == "lo"
    assert (await client.get("/?lang=xx")).status_code == 200


async def test_the_community_default_language_when_the_browser_says_nothing(
        client: httpx.AsyncClient, app) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    app.guild.current = replace(app.guild.current, language="vi")  # as /setup language would
    page = Page((await client.get("/")).text)
    assert page.first("html")["lang"] == "vi"


async def test_security_headers_on_every_response(client: httpx.AsyncClient) -> None:
    for path in ("/", "/search?q=coop", "/robots.txt", "/sitemap.xml", "/static/site.css", "/no-such-page"):
        response = await client.get(path)
        csp = response.headers["content-security-policy"]
        directives = {part.split()[0]: part.split()[1:] for part in csp.split("; ")}
        assert directives["default-src"] == ["'self'"]
        assert directives["script-src"] == ["'none'"], "no script runs"
        assert directives["frame-ancestors"] == ["'none'"]
        assert "http" not in csp and "*" not in csp, "no outside host"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


async def test_the_page_loads_nothing_from_elsewhere(client: httpx.AsyncClient) -> None:
    page = Page((await client.get("/?lang=th")).text)
    loaded = [link["href"] for link in page.all("link") if link.get("rel") in ("stylesheet", "icon", "preload")]
    loaded += [element["src"] for tag in ("script", "img") for element in page.all(tag) if element.get("src")]
    assert loaded == ["/static/site.css", "/static/favicon.svg"]
    css = (await client.get("/static/site.css")).text
    assert "@import" not in css and "url(" not in css and "@font-face" not in css
    for font in ("Noto Sans Thai", "Noto Sans Khmer", "Noto Sans Lao", "Noto Sans Myanmar", "Noto Sans CJK SC",
                 "Noto Sans CJK JP", "Noto Sans CJK KR"):
        assert f'"{font}"' in css


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
async def test_the_site_only_reads(client: httpx.AsyncClient, method: str) -> None:
    for path in ("/", "/search", "/no-such-page"):
        response = await client.request(method, path, content=b"x=1")
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, HEAD"
    head = await client.head("/")
    assert head.status_code == 200 and head.content == b""


async def test_robots_txt_lets_search_engines_in(client: httpx.AsyncClient) -> None:
    lines = (await client.get("/robots.txt")).text.splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines and "Disallow: /" not in lines
    assert "Disallow: /calendar/me/" in lines, "personal feeds are never crawled"
    assert "Sitemap: http://127.0.0.1:8080/sitemap.xml" in lines


@pytest.mark.parametrize("config_data", [{"web": {"allow_indexing": False}}], indirect=True)
async def test_robots_txt_keeps_them_out_when_configured(client: httpx.AsyncClient) -> None:
    lines = (await client.get("/robots.txt")).text.splitlines()
    assert "Disallow: /" in lines and "Allow: /" not in lines


async def test_sitemap_lists_every_public_path(client: httpx.AsyncClient, app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import types

    from bot import capability as capability_module
    from bot.web import app as web_module

    extra = types.ModuleType("fake_web")
    extra.sitemap = lambda app: ["/glossary", "/glossary/a&b"]  # type: ignore[attr-defined]

    async def more(app: object) -> list[str]:
        return ["/sessions", "/glossary"]
    other = types.ModuleType("fake_web_2")
    other.sitemap = more  # type: ignore[attr-defined]
    monkeypatch.setattr(web_module, "capability_modules", lambda app: [(extra, "routes"), (other, "routes")])
    assert capability_module  # the records are untouched
    response = await client.get("/sitemap.xml")
    assert response.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in root.findall("s:url/s:loc", ns)]
    assert locs == ["http://127.0.0.1:8080/", "http://127.0.0.1:8080/glossary", "http://127.0.0.1:8080/glossary/a&b",
                    "http://127.0.0.1:8080/sessions"]


@pytest.mark.parametrize("config_data", [{"web": {"public_url": "https://sse.example.org/"}}], indirect=True)
async def test_public_url_sets_canonical_and_sitemap(client: httpx.AsyncClient) -> None:
    page = Page((await client.get("/?lang=km")).text)
    assert page.first("link", rel="canonical")["href"] == "https://sse.example.org/?lang=km"
    root = ET.fromstring((await client.get("/sitemap.xml")).content)
    assert root[0][0].text == "https://sse.example.org/"


@pytest.mark.parametrize("lang", ["en", "th"])
async def test_not_found_page(client: httpx.AsyncClient, lang: str) -> None:
    response = await client.get("/no/such/page", params={"lang": lang})
    assert response.status_code == 404
    page = Page(response.text)
    assert page.first("html")["lang"] == lang
    assert [t for tag, t in page.headings if tag == "h1"] == [said(lang, "Page not found")]
    assert page.first("a", href=f"/?lang={lang}")


async def test_home_page_json_ld_is_data(client: httpx.AsyncClient) -> None:
    page = Page((await client.get("/")).text)
    blocks = [body for attrs, body in page.scripts if attrs.get("type") == "application/ld+json"]
    assert len(blocks) == 1 and not [a for a, _ in page.scripts if a.get("type") != "application/ld+json"]
    data = json.loads(blocks[0])
    assert data["@type"] == "WebSite" and data["url"] == "http://127.0.0.1:8080/"


def test_json_ld_cannot_close_its_script_block() -> None:
    hostile = {"name": "</script><script>alert(1)</script> & <!-- \u2028"}
    text = str(json_ld(hostile))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == hostile


def test_every_language_has_a_bcp47_tag() -> None:
    from bot.web.language import html_lang, negotiate

    assert {html_lang(code) for code in LANGUAGES} | {"x-default"} == HREFLANGS
    assert negotiate("") is None and negotiate("*") is None and negotiate("th;q=abc") is None


def assert_security_headers(response: httpx.Response) -> None:
    from bot.web.security import SECURITY_HEADERS

    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value, name


@pytest.mark.parametrize("lang", ["en", "th", "km"])
async def test_a_failing_page_is_the_error_page_in_the_visitors_language(
        client: httpx.AsyncClient, lang: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import bot.web.home

    def broken() -> list[str]:
        raise RuntimeError("secret-internal-detail at /srv/bot/config.yaml")

    monkeypatch.setattr(bot.web.home, "programme_countries", broken)
    by_query = await client.get("/", params={"lang": lang})
    by_header = await client.get("/", headers={"Accept-Language": f"{lang};q=0.9, en;q=0.1"})
    for response in (by_query, by_header):
        assert response.status_code == 500
        assert response.headers["content-type"].startswith("text/html")
        assert_security_headers(response)
        assert "secret-internal-detail" not in response.text and "Traceback" not in response.text
        assert "RuntimeError" not in response.text and "/srv/bot" not in response.text
        page = Page(response.text)
        assert page.first("html")["lang"] == lang
        assert [t for tag, t in page.headings if tag == "h1"] == [said(lang, "Something went wrong")]
        assert page.first("a", href=f"/?lang={lang}" if response is by_query else "/")  # the way home
    # the operator still sees what failed, in the log
    assert any("secret-internal-detail" in (r.exc_text or "") or (r.exc_info and "secret-internal-detail"
               in str(r.exc_info[1])) for r in caplog.records)


@pytest.mark.parametrize("method", ["POST", "DELETE"])
async def test_a_refused_method_is_a_page_in_the_visitors_language_with_the_headers(
        client: httpx.AsyncClient, method: str) -> None:
    response = await client.request(method, "/search", params={"lang": "th"}, content=b"q=x")
    assert response.status_code == 405 and response.headers["allow"] == "GET, HEAD"
    assert_security_headers(response)
    page = Page(response.text)
    assert page.first("html")["lang"] == "th"
    assert [t for tag, t in page.headings if tag == "h1"] == [said("th", "This site can only be read")]
    by_header = await client.request(method, "/", headers={"Accept-Language": "km"})
    assert Page(by_header.text).first("html")["lang"] == "km"


async def test_the_not_found_page_has_the_headers_and_the_language_of_the_browser(client: httpx.AsyncClient) -> None:
    response = await client.get("/no/such/page", headers={"Accept-Language": "km-KH,km;q=0.9"})
    assert response.status_code == 404
    assert_security_headers(response)
    page = Page(response.text)
    assert page.first("html")["lang"] == "km"
    assert [t for tag, t in page.headings if tag == "h1"] == [said("km", "Page not found")]
