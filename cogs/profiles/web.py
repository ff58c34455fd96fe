"""The members directory on the web site: ``/members`` with the filters of the /members command
(country, topic, language, organisation type), listing only members who have a profile AND turned
``/privacy publish on``. Each shows the name they chose for the site, never a Discord id; everything
they typed is escaped by the templates."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.app import App
from bot.catalogues import _, babel_locale, language_name
from bot.countries import directory
from bot.errors import InvalidInput
from bot.i18n import LANGUAGES
from bot.text import clean
from bot.web.page import render, url, web_app
from cogs.privacy.publish import web_names
from cogs.profiles.service import ORG_TYPE_LABELS, DirectoryFilters, Profile, ProfileService, org_type_label
from cogs.qa.public import A_MEMBER

PER_PAGE = 20
FILTERS = ("country", "topic", "language", "type")


@dataclass(frozen=True)
class MemberView:
    name: str
    country: str | None
    organisation: str
    topics: str
    languages: str
    bio: str | None


def country_label(code: str) -> str:
    """A programme country's name in the visitor's language (CLDR), else the directory's name."""
    return str(babel_locale().territories.get(code) or directory().name(code))


def _view(profile: Profile, names: dict[int, str]) -> MemberView:
    return MemberView(
        name=names.get(profile.user_id) or _(A_MEMBER),
        country=country_label(profile.country) if profile.country else None,
        organisation=org_type_label(profile.org_type),
        topics=", ".join(profile.topics), languages=", ".join(language_name(c) for c in profile.languages),
        bio=profile.bio,
    )


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return min(max(int(raw), 1), 10_000) if raw.isdigit() and len(raw) < 7 else 1


async def members(request: Request) -> Response:
    app = web_app(request)
    profiles = app.service(ProfileService)
    typed = {key: clean(request.query_params.get(key, ""))[:100] for key in FILTERS}
    error, suggestions = None, []
    filters = DirectoryFilters()
    try:
        filters = profiles.parse_filters(typed["country"] or None, typed["topic"] or None,
                                         typed["language"] or None, typed["type"] or None)
    except InvalidInput as problem:
        error, suggestions = str(problem), list(problem.suggestions or [])
    members_shown: list[MemberView] = []
    page = pages = 1
    total = 0
    if error is None:
        async with app.db.begin() as session:
            result = await profiles.published_directory(session, filters, _page_number(request), PER_PAGE)
            names = await web_names(session, [p.user_id for p in result.members])
        members_shown = [_view(p, names) for p in result.members]
        page, pages, total = result.page, result.pages, result.total
    chosen = {"country": filters.country, "topic": filters.topic, "language": filters.language,
              "type": filters.org_type}
    query = {k: v for k, v in chosen.items() if v}
    context = {
        "members": members_shown, "page": page, "pages": pages, "total": total, "error": error,
        "suggestions": suggestions, "chosen": chosen,
        "countries": sorted(((c.code, country_label(c.code)) for c in directory()), key=lambda pair: pair[1]),
        "topic_pairs": [(topic, topic) for topic in profiles.topics],
        "language_options": [(code, language_name(code)) for code in LANGUAGES],
        "types": [(key, org_type_label(key)) for key in ORG_TYPE_LABELS],
        "previous": url(request, "/members", **query, page=page - 1) if page > 1 else None,
        "next": url(request, "/members", **query, page=page + 1) if page < pages else None,
    }
    return render(request, "profiles/members.html", context, title=_("Members"))


def routes(app: App) -> list[Route]:
    return [Route("/members", members, methods=["GET"], name="members")]


def sitemap(app: App) -> list[str]:
    return ["/members"]
