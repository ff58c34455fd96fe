"""``/search?q=``: one box over what is public on the site (glossary terms, resources, and the
published Q&A). Never the rest of the Discord archive: only questions and answers whose authors
consented are searched (cogs/qa/public.py), and archived discussion channels never."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import NoMatchFound, Route

from bot.catalogues import _, current_language
from bot.text import clean
from bot.web.page import render, served_paths, url, web_app
from cogs.glossary.service import MAX_QUERY_LEN, GlossaryService
from cogs.qa.public import PublishedQA
from cogs.resources.service import ResourceFilters, ResourceService

MAX_QUERY = 200  # characters of a query read; the box says so with maxlength
RESULTS = 20  # of each kind


@dataclass(frozen=True)
class Hit:
    title: str
    text: str
    href: str | None  # a page of the site, when its capability serves one
    external: str | None = None  # the document itself (resources)
    note: str | None = None
    text_lang: str | None = None  # BCP 47 of ``text`` when it is not in the page's language (English)


def link_for(request: Request, name: str, **params: str) -> str | None:
    """The path of a named route of a capability (``glossary_term``, ``resource``), keeping ``?lang``;
    None while no capability serves it. The route is found once per site (Starlette's
    ``url_path_for`` walks every route for each of a page's 40 links)."""
    routes: dict[str, Route] = request.app.state.__dict__.setdefault("_named_routes", {})
    route = routes.get(name)
    if route is None:
        if name not in getattr(request.app.state, "route_names", ()):
            return None
        found = next((r for r in request.app.router.routes if isinstance(r, Route) and r.name == name), None)
        if found is None:
            return None
        route = routes[name] = found
    if set(params) != set(route.param_convertors):
        return None
    try:
        path = route.url_path_for(name, **params)
    except NoMatchFound:
        return None
    return url(request, str(path))


def search_terms(request: Request, query: str) -> list[Hit]:
    glossary = web_app(request).service(GlossaryService)
    language = current_language()
    ids = [choice.value for choice in glossary.autocomplete(query[:MAX_QUERY_LEN], language)][:RESULTS]
    hits = []
    for entry in glossary.entries(ids, language):
        title = entry.local_name or entry.term
        note = entry.term if entry.local_name and entry.local_name != entry.term else None
        hits.append(Hit(title=title, text=entry.short, href=link_for(request, "glossary_term", term_id=entry.id),
                        note=note, text_lang="en" if entry.short_status == "missing" else None))
    return hits


def search_resources(request: Request, query: str) -> list[Hit]:
    resources = web_app(request).service(ResourceService)
    found = resources.search(ResourceFilters(query=query), page_size=RESULTS)
    return [Hit(title=item.title, text=item.summary, href=link_for(request, "resource", resource_id=item.id),
                external=item.url if item.url and item.url.startswith(("https://", "http://")) else None,
                note=", ".join(p for p in (item.publisher, str(item.year or "")) if p),
                text_lang=None if current_language() == "en" else "en")  # the catalogue is in English
            for item in found.items]


async def search_questions(request: Request, query: str) -> list[Hit] | None:
    """Published questions matching the query (None while /qa is not served): the question's title,
    and a snippet of the question or of a published answer that has the words."""
    if "/qa" not in served_paths(request):
        return None
    app = web_app(request)
    async with app.db.begin() as session:
        found = await app.service(PublishedQA).search(session, query, per_page=RESULTS)
    return [Hit(title=hit.question.title, text=hit.snippet, href=url(request, f"/qa/{hit.question.id}"),
                note=_("in an answer") if hit.kind == "answer" else None)
            for hit in found.hits]


async def search(request: Request) -> Response:
    query = clean(request.query_params.get("q", ""))[:MAX_QUERY]
    terms = search_terms(request, query) if query else []
    documents = search_resources(request, query) if query else []
    questions = await search_questions(request, query) if query else None
    title = _("Search: {query}").format(query=query) if query else _("Search")
    context = {"query": query, "terms": terms, "documents": documents, "questions": questions,
               "max_query": MAX_QUERY}
    return render(request, "search.html", context, title=title)
