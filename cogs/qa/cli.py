"""``python -m bot qa route-unanswered``: what is due to be routed, without claiming it;
``python -m bot helpers [--month YYYY-MM] [--json]``: members whose answers were accepted in a month."""

from __future__ import annotations

import argparse

from bot.app import App
from bot.cli import emit, run_with_app


def cmd_qa(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from cogs.qa.service import QuestionService

    async def go(app: App) -> int:
        # Without a Discord connection nothing can be posted: list what is due, claim nothing.
        async with app.db.begin() as session:
            due = await app.service(QuestionService).route_unanswered(session, datetime.now(UTC), claim=False)
        items = [{"thread_id": str(r.thread_id), "title": r.title, "target": r.target,
                  "role_ids": [str(x) for x in r.role_ids]} for r in due]
        emit(args, items, "\n".join(f"{r.target}: {r.title} ({r.thread_id})" for r in due) or "Nothing is due.")
        return 0

    return run_with_app(args, go)


def cmd_helpers(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from bot.errors import UserError
    from cogs.qa.lifecycle import LifecycleService, parse_month

    async def go(app: App) -> int:
        lifecycle = app.service(LifecycleService)
        try:
            month = parse_month(args.month, lifecycle.zone, datetime.now(UTC))
        except UserError as problem:
            emit(args, {"error": problem.message}, problem.message)
            return 2
        async with app.db.begin() as session:
            result = await lifecycle.helpers(session, month, per_page=1_000_000)
        items = [{"user_id": str(h.user_id), "accepted": h.accepted} for h in result.helpers]
        emit(args, {"month": month.key, "helpers": items},
             "\n".join(f"{h.user_id}: {h.accepted}" for h in result.helpers)
             or f"No answer was accepted in {month.key}.")
        return 0

    return run_with_app(args, go)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    helpers = sub.add_parser("helpers", help="members whose answers were accepted in a month (user ids and counts)")
    helpers.add_argument("--month", help="YYYY-MM (default: this month in the community's time zone)")
    helpers.add_argument("--json", action="store_true")
    helpers.set_defaults(func=cmd_helpers)
    qa_cmd = sub.add_parser("qa", help="Q&A maintenance")
    qa_cmd.add_argument("action", choices=["route-unanswered"])
    qa_cmd.add_argument("--json", action="store_true")
    qa_cmd.set_defaults(func=cmd_qa)
