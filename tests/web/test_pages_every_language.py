"""Every page of the glossary, resources, countries and sessions in each of the 14 languages: it
answers, says its language (html lang, BCP 47), has one h1, in that language's words, and passes
the checks every page passes (tests/web/pages_helpers.py: labelled controls, hreflang links)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import App
from bot.i18n import LANGUAGES
from bot.permissions import Actor
from bot.web.language import html_lang
from cogs.sessions.parsing import SessionDraft
from cogs.sessions.planning import PlanningService
from tests.conftest import FACILITATOR_ROLE, said
from tests.web.pages_helpers import check_page, site


async def test_every_page_in_every_language(app: App) -> None:
    start = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%d 09:00")
    async with app.db.begin() as session:
        [planned] = await app.service(PlanningService).create(
            session, Actor(user_id=11, role_ids=frozenset({FACILITATOR_ROLE})),
            SessionDraft(title="Cooperative law clinic", start=start, timezone="Asia/Bangkok"))
    resource = app.content.resources[0]
    pages = {"/glossary": "Glossary", "/glossary/cooperative": None, "/resources": "Resources",
             f"/resources/{resource.id}": None, "/countries": "Countries", "/countries/la": None,
             "/sessions": "Sessions", f"/sessions/{planned.id}": None}
    async with site(app) as client:
        for code in LANGUAGES:
            for path, heading in pages.items():
                response = await client.get(path, params={"lang": code})
                assert response.status_code == 200, (path, code)
                doc = check_page(response.text, html_lang(code))
                if heading is not None:
                    assert doc.find("h1").text() == said(code, heading), (path, code)
                # the headings of the page's sections are in its language too
                if code != "en" and path == "/glossary/cooperative":
                    assert doc.find("h2", id="languages").text() == said(code, "In every language")
