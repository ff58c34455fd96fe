"""The Q&A section of the report: questions asked, answered and solved, how fast, and what routing to
peers who know achieved, counted in SQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogues import _
from bot.report import Chart, Column, Figure, Period, Section, Table, median, seconds_between, share
from cogs.profiles.models import PeerRequest
from cogs.qa.models import Question
from cogs.search.models import ArchivedMessage

UNANSWERED_AFTER = timedelta(days=7)
HOUR = 3600.0


async def qa_report(session: AsyncSession, period: Period) -> list[Section]:
    """Questions (Q&A posts) created in the period, as they stand at ``period.as_of``.

    "Answered": someone other than the asker replied; "solved": an answer was accepted. Medians are
    over the questions that got a reply (an accepted answer), in hours, computed in SQL: the database
    orders the durations and only the middle one or two are read (bot/report.py ``median``).
    "Unanswered for over 7 days": no reply and not solved, asked more than 7 days before ``as_of``.
    "Routed to peers": sent to at least one member who knows its topic (cogs/profiles); "answered by a
    peer": one of those members replied in the post (by the time the report is made)."""
    as_of = period.as_of
    asked_in = and_(Question.created_at >= period.since, Question.created_at < period.until,
                    Question.created_at < as_of)
    replied = and_(Question.first_reply_at.is_not(None), Question.first_reply_at < as_of)
    solved = and_(Question.solved_at.is_not(None), Question.solved_at < as_of)
    routed = exists().where(PeerRequest.question_id == Question.thread_id)
    # the post's replies are found by thread (its index), then matched against the peers asked: put
    # as one EXISTS on (thread, author), SQLite would walk every message of the author instead
    # (no time bound on the reply: with one, SQLite would range over the time index instead)
    repliers = select(ArchivedMessage.author_id).where(
        ArchivedMessage.thread_id == PeerRequest.question_id, ArchivedMessage.kind == "answer").correlate(PeerRequest)
    peer_answered = exists().where(PeerRequest.question_id == Question.thread_id,
                                   PeerRequest.peer_user_id.in_(repliers))
    stale = and_(~replied, ~solved, Question.created_at < as_of - UNANSWERED_AFTER)
    asked_n, answered_n, solved_n, stale_n, routed_n, peer_n = (await session.execute(
        select(func.count(), func.count().filter(replied), func.count().filter(solved), func.count().filter(stale),
               func.count().filter(routed), func.count().filter(peer_answered)).where(asked_in))).one()

    to_reply = seconds_between(session, Question.first_reply_at, Question.created_at)
    to_answer = seconds_between(session, Question.solved_at, Question.created_at)
    reply_median = await median(session, select(to_reply).where(asked_in, replied).order_by(to_reply), answered_n)
    answer_median = await median(session, select(to_answer).where(asked_in, solved).order_by(to_answer), solved_n)

    measures = Table("questions", _("Questions"), (
        Column("measure", _("Measure code")), Column("measure_name", _("Measure")),
        Column("questions", _("Questions"))),
        (("asked", _("Asked"), int(asked_n)), ("answered", _("Answered"), int(answered_n)),
         ("solved", _("Solved"), int(solved_n)),
         ("unanswered_over_7_days", _("Unanswered for over 7 days"), int(stale_n)),
         ("routed_to_peers", _("Routed to peers"), int(routed_n)),
         ("answered_by_peers", _("Answered by a peer"), int(peer_n))))
    return [Section(
        "qa", _("Questions and answers"),
        (Figure("asked", _("Questions asked"), int(asked_n)),
         Figure("answered", _("Answered"), int(answered_n)),
         Figure("solved", _("Solved (answer accepted)"), int(solved_n)),
         Figure("median_hours_to_first_reply", _("Median time to first reply (hours)"),
                None if reply_median is None else reply_median / HOUR, "hours"),
         Figure("median_hours_to_accepted_answer", _("Median time to accepted answer (hours)"),
                None if answer_median is None else answer_median / HOUR, "hours"),
         Figure("unanswered_over_7_days", _("Unanswered for over 7 days"), int(stale_n)),
         Figure("routed_to_peers", _("Routed to peers"), int(routed_n)),
         Figure("routed_to_peers_share", _("Share routed to peers"), share(routed_n, asked_n), "share"),
         Figure("answered_by_peers", _("Answered by a peer"), int(peer_n)),
         Figure("answered_by_peers_share", _("Share of routed questions answered by a peer"),
                share(peer_n, routed_n), "share")),
        (measures,),
        (Chart("questions", _("Questions and answers"), "questions", "measure_name", ("questions",), _("Measure"),
               _("Questions")),),
    )]
