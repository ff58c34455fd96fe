"""The published Q&A on the web site: ``/qa`` (the newest published questions, paged) and
``/qa/{id}`` (one question with its answers, and schema.org ``QAPage`` data).

Thin: read the page number or id, ask ``PublishedQA`` (cogs/qa/public.py: only what askers and
answerers consented to, computed from the database on each request), render. A question that is not
public answers exactly as an unknown one: the site's 404 page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.app import App
from bot.catalogues import _, format_when
from bot.web.page import absolute, not_found, render, url, web_app
from cogs.qa.public import A_MEMBER, UNPUBLISHED_ANSWER, PublicAnswer, PublicQuestion, PublishedQA

MAX_PAGE = 10_000


def paragraphs(text: str | None) -> list[list[str]]:
    """A message as paragraphs of lines (blank lines separate paragraphs), for the template to put in
    ``<p>`` with ``<br>`` between lines: the member's line breaks stay, nothing they typed is markup."""
    out: list[list[str]] = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            out.append(lines)
    return out


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return min(max(int(raw), 1), MAX_PAGE) if raw.isdigit() and len(raw) < 7 else 1


@dataclass(frozen=True)
class AnswerView:
    anchor: str
    published: bool
    author: str
    paragraphs: list[list[str]]
    when: str
    when_iso: str
    accepted: bool


def _author(name: str | None) -> str:
    return name or _(A_MEMBER)


def _answer_view(answer: PublicAnswer, zone: str) -> AnswerView:
    return AnswerView(
        anchor=f"answer-{answer.position}", published=answer.published,
        author=_author(answer.author_name) if answer.published else _(UNPUBLISHED_ANSWER),
        paragraphs=paragraphs(answer.text), when=format_when(answer.created_at, zone),
        when_iso=answer.created_at.isoformat(), accepted=answer.accepted,
    )


def qa_page_data(request: Request, question: PublicQuestion) -> dict[str, Any]:
    """schema.org QAPage: the question, its published answers, ``acceptedAnswer`` only when the
    accepted answer's author published it (the others are not on the page as text)."""
    page_url = absolute(request, f"/qa/{question.id}")

    def answer(a: PublicAnswer) -> dict[str, Any]:
        return {"@type": "Answer", "text": a.text or "", "dateCreated": a.created_at.isoformat(),
                "url": f"{page_url}#answer-{a.position}",
                "author": {"@type": "Person", "name": _author(a.author_name)}}

    shown = [a for a in question.answers if a.published]
    entity: dict[str, Any] = {
        "@type": "Question", "name": question.title, "text": question.body or question.title,
        "dateCreated": question.created_at.isoformat(), "answerCount": len(shown),
        "author": {"@type": "Person", "name": _author(question.asker_name)},
    }
    accepted = question.accepted
    if accepted is not None:
        entity["acceptedAnswer"] = answer(accepted)
    suggested = [answer(a) for a in shown if a is not accepted]
    if suggested:
        entity["suggestedAnswer"] = suggested
    return {"@context": "https://schema.org", "@type": "QAPage", "mainEntity": entity,
            "inLanguage": request.state.lang}


async def index(request: Request) -> Response:
    app = web_app(request)
    async with app.db.begin() as session:
        result = await app.service(PublishedQA).newest(session, _page_number(request))
    zone = app.guild.current.timezone
    items = [{"title": q.title, "href": url(request, f"/qa/{q.id}"), "asker": _author(q.asker_name),
              "solved": format_when(q.solved_at, zone, time=None), "solved_iso": q.solved_at.isoformat(),
              "answers": q.answer_count, "country": q.country, "topic": q.topic} for q in result.questions]
    context = {
        "items": items, "page": result.page, "pages": result.pages, "total": result.total,
        "previous": url(request, "/qa", page=result.page - 1) if result.page > 1 else None,
        "next": url(request, "/qa", page=result.page + 1) if result.page < result.pages else None,
    }
    return render(request, "qa/index.html", context, title=_("Questions and answers"))


async def question_page(request: Request) -> Response:
    app = web_app(request)
    question_id = request.path_params["question_id"]
    async with app.db.begin() as session:
        question = await app.service(PublishedQA).question(session, question_id)
    if question is None:
        return not_found(request)
    zone = app.guild.current.timezone
    answers = [_answer_view(a, zone) for a in question.answers]
    accepted = next((a for a in answers if a.accepted and a.published), None)
    context = {
        "question": question, "body": paragraphs(question.body), "asker": _author(question.asker_name),
        "asked": format_when(question.created_at, zone), "asked_iso": question.created_at.isoformat(),
        "solved": format_when(question.solved_at, zone), "solved_iso": question.solved_at.isoformat(),
        "accepted": accepted, "others": [a for a in answers if a is not accepted], "zone": zone,
        "index": url(request, "/qa"),
    }
    return render(request, "qa/question.html", context, title=question.title, json_ld=qa_page_data(request, question))


def routes(app: App) -> list[Route]:
    return [
        Route("/qa", index, methods=["GET"], name="qa_index"),
        Route("/qa/{question_id:int}", question_page, methods=["GET"], name="qa_question"),
    ]


async def sitemap(app: App) -> list[str]:
    """The index and every published question (computed now: an opted-out page leaves the sitemap too)."""
    async with app.db.begin() as session:
        ids = await app.service(PublishedQA).ids(session)
    return ["/qa", *(f"/qa/{i}" for i in ids)]
