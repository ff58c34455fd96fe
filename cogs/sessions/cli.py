"""``python -m bot sessions list|ics|import``."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.app import App
from bot.cli import emit, run_with_app
from cogs.sessions.planning import PlanningService
from cogs.sessions.reading import TrainingSessionService


def cmd_sessions(args: argparse.Namespace) -> int:
    from bot.permissions import Actor

    async def go(app: App) -> int:
        if args.action == "list":
            async with app.db.begin() as session:
                page = await app.service(TrainingSessionService).upcoming(session, country=args.country, language=args.language,
                                                   page_size=100_000, include_cancelled=args.all)
            items = [v.as_json() for v in page.items]
            lines = [f"#{v.id:<5} {v.start_utc:%Y-%m-%d %H:%M} UTC  {v.title}  [{v.timezone}]  "
                     f"going {v.rsvp.going}, interested {v.rsvp.interested}" + (" (cancelled)" if v.cancelled else "")
                     for v in page.items]
            emit(args, items, "\n".join(lines) or "No upcoming sessions.")
            return 0
        if args.action == "ics":
            from cogs.sessions.calendar import ics_for

            async with app.db.begin() as session:
                _name, data = await ics_for(app.service(TrainingSessionService), session, args.id, whole_series=args.series)
            if args.output:
                await asyncio.to_thread(Path(args.output).write_bytes, data)
                print(f"wrote {args.output}", file=sys.stderr)
            else:
                sys.stdout.write(data.decode("utf-8"))
            return 0
        # import: validated as a whole; nothing is stored unless every entry is valid
        from cogs.sessions.importer import load_programme

        drafts = load_programme(Path(args.file))
        async with app.db.begin() as session:
            planned = await app.service(PlanningService).import_programme(session, Actor.cli(), drafts)
        for v in planned:
            print(f"planned #{v.id} {v.start_utc:%Y-%m-%d %H:%M} UTC  {v.title}")
        print(f"{len(planned)} session(s) planned; the bot announces them when it next starts or is running.")
        return 0

    return run_with_app(args, go)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ses = sub.add_parser("sessions", help="capacity-building sessions: list, calendar files, import a programme")
    ses_sub = ses.add_subparsers(dest="action", required=True)
    ses_list = ses_sub.add_parser("list", help="upcoming sessions")
    ses_list.add_argument("--country")
    ses_list.add_argument("--language")
    ses_list.add_argument("--all", action="store_true", help="include cancelled sessions")
    ses_list.add_argument("--json", action="store_true")
    ses_ics = ses_sub.add_parser("ics", help="an .ics calendar file for a session (or its whole series)")
    ses_ics.add_argument("id")
    ses_ics.add_argument("--series", action="store_true", help="the whole series, as one recurring event")
    ses_ics.add_argument("-o", "--output", help="write to this file instead of standard output")
    ses_imp = ses_sub.add_parser("import", help="plan a whole programme from a YAML file")
    ses_imp.add_argument("file")
    ses.set_defaults(func=cmd_sessions, json=False)
