"""``python -m bot qa route-unanswered``: what is due to be routed, without claiming it."""

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


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    qa_cmd = sub.add_parser("qa", help="Q&A maintenance")
    qa_cmd.add_argument("action", choices=["route-unanswered"])
    qa_cmd.add_argument("--json", action="store_true")
    qa_cmd.set_defaults(func=cmd_qa)
