"""``python -m bot members [--country C] [--topic T] [--language L] [--type Y] [--json]``: the directory."""

from __future__ import annotations

import argparse

from bot.app import App
from bot.cli import emit, run_with_app


def cmd_members(args: argparse.Namespace) -> int:
    from bot.errors import UserError
    from cogs.profiles.service import ProfileService, org_type_label

    async def go(app: App) -> int:
        profiles = app.service(ProfileService)
        try:
            filters = profiles.parse_filters(args.country, args.topic, args.language, args.type)
        except UserError as problem:
            hint = f" (did you mean: {', '.join(problem.suggestions)})" if problem.suggestions else ""
            emit(args, {"error": problem.message, "suggestions": problem.suggestions}, problem.message + hint)
            return 2
        async with app.db.begin() as session:
            found = await profiles.everyone(session, filters)
        lines = [" · ".join(x for x in (str(p.user_id), p.country_name or "", org_type_label(p.org_type),
                                         p.org_name or "", ", ".join(p.topics), ", ".join(p.languages),
                                         "happy to be asked" if p.happy_to_be_asked else "") if x)
                 for p in found]
        emit(args, [p.as_json() for p in found], "\n".join(lines) or "No member with a profile matches.")
        return 0 if found else 1

    return run_with_app(args, go)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = sub.add_parser("members", help="the members directory (members with a profile)")
    cmd.add_argument("--country")
    cmd.add_argument("--topic")
    cmd.add_argument("--language")
    cmd.add_argument("--type", help="organisation type, e.g. cooperative, government, academia")
    cmd.add_argument("--json", action="store_true")
    cmd.set_defaults(func=cmd_members)
