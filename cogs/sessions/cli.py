"""``python -m bot sessions list|ics|feed|import|edit|cancel``.

The CLI acts as ``Actor.cli()``: whoever can run it on the bot's machine is an administrator, and
the services' facilitator rule lets that actor through. Edits and cancellations enqueue the same
announcement, event and DM updates as the slash commands; the running bot sends them."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
from datetime import datetime
from pathlib import Path

from bot.app import App
from bot.catalogues import _, format_when, ngettext, use_language
from bot.cli import add_language_option, cli_language, emit, run_with_app
from bot.dates import confirmation
from bot.permissions import Actor
from cogs.sessions.info import Scope
from cogs.sessions.parsing import SessionChanges
from cogs.sessions.planning import PlanningService
from cogs.sessions.reading import TrainingSessionService
from cogs.sessions.wording import read_back


def utc_text(when: datetime) -> str:
    return f"{format_when(when, 'UTC')} UTC"


def cmd_sessions(args: argparse.Namespace) -> int:
    with use_language(cli_language(args)):
        return run_with_app(args, lambda app: _sessions(app, args))


async def _sessions(app: App, args: argparse.Namespace) -> int:
    if args.action == "list":
        async with app.db.begin() as session:
            page = await app.service(TrainingSessionService).upcoming(
                session, country=args.country, language=args.language, page_size=100_000, include_cancelled=args.all)
        lines = []
        for v in page.items:
            counts = _("going {going}, interested {interested}").format(going=v.rsvp.going,
                                                                        interested=v.rsvp.interested)
            line = f"#{v.id:<5} {utc_text(v.start_utc)}  {v.title}  [{v.timezone}]  {counts}"
            lines.append(_("{session} (cancelled)").format(session=line) if v.cancelled else line)
        emit(args, [v.as_json() for v in page.items], "\n".join(lines) or _("No upcoming sessions."))
        return 0
    if args.action == "ics":  # the file as it is: calendar apps show its dates in their own language
        from cogs.sessions.calendar import ics_for

        async with app.db.begin() as session:
            _name, data = await ics_for(app.service(TrainingSessionService), session, args.id, whole_series=args.series)
        if args.output:
            await asyncio.to_thread(Path(args.output).write_bytes, data)
            print(f"wrote {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(data.decode("utf-8"))
        return 0
    if args.action == "feed":
        return await write_feed(app, args)
    if args.action in ("edit", "cancel"):
        return await change(app, args, Actor.cli())
    # import: validated as a whole; nothing is stored unless every entry is valid
    from cogs.sessions.importer import load_programme

    drafts = load_programme(Path(args.file))
    async with app.db.begin() as session:
        planned = await app.service(PlanningService).import_programme(session, Actor.cli(), drafts)
    for v in planned:
        print(_("planned #{id} {when}  {title}").format(id=v.id, when=utc_text(v.start_utc), title=v.title))
    print(ngettext("{count} session planned; the bot announces it when it next starts or is running.",
                   "{count} sessions planned; the bot announces them when it next starts or is running.",
                   len(planned)).format(count=len(planned)))
    return 0


async def write_feed(app: App, args: argparse.Namespace) -> int:
    """``sessions feed``: the public calendar feed (every session, or one country's, language's or
    series'), as the web site serves it; a language's feed is named in that language unless --lang."""
    from bot.i18n import parse_country, parse_language
    from cogs.sessions.feeds import FeedScope, FeedService

    feeds = app.service(FeedService)
    if args.country:
        scope = feeds.check_scope("country", parse_country(args.country) or args.country)  # a code or any name
    elif args.language:
        scope = feeds.check_scope("language", parse_language(args.language) or args.language)
    elif args.series:
        scope = feeds.check_scope("series", args.series)
    else:
        scope = FeedScope()
    language = str(scope.value) if scope.kind == "language" and not args.lang else None
    async with app.db.begin() as session:
        feed = await feeds.build(session, scope, language=language)
    if args.out:
        await asyncio.to_thread(Path(args.out).write_bytes, feed.body)
        print(ngettext("wrote {file}: {count} event", "wrote {file}: {count} events", feed.events).format(
            file=args.out, count=feed.events), file=sys.stderr)
    else:
        sys.stdout.write(feed.body.decode("utf-8"))
    return 0


async def change(app: App, args: argparse.Namespace, actor: Actor) -> int:
    """``sessions edit`` and ``sessions cancel`` through PlanningService, as /session edit and cancel."""
    planning = app.service(PlanningService)
    scope: Scope = "series" if args.series else "one"
    read: dict[str, str] | None = None
    if args.action == "cancel":
        async with app.db.begin() as session:
            result = await planning.cancel(session, actor, args.id, scope=scope, reason=args.reason)
    else:
        changes = SessionChanges(
            title=args.title, description=args.description, start=args.start, timezone=args.timezone,
            duration_minutes=args.duration, format=args.format, languages=args.languages, countries=args.countries,
            join_url=args.join_url, capacity=args.capacity)
        async with app.db.begin() as session:
            preview = await planning.preview_edit(session, actor, args.id, changes)
        if preview is not None:
            read = {"typed": preview.typed, "local": preview.local_text, "timezone": preview.timezone,
                    "start_utc": preview.start_utc.isoformat(), "read_back": confirmation(preview.start_utc,
                                                                                         preview.timezone)}
            if not preview.exact and not args.yes:
                emit(args, {"saved": False, "start_read": read},
                     _("Start read as {start}. Nothing saved: run again with --yes to save it, or give it exactly "
                       "(--start '{exact}').").format(start=read_back(preview.start_utc, preview.timezone),
                                                      exact=preview.local_text))
                return 1
            changes = dataclasses.replace(changes, start=preview.local_text)
        async with app.db.begin() as session:
            result = await planning.edit(session, actor, args.id, changes, scope=scope)
    data = {"saved": True, "sessions": [v.as_json() for v in result.training_sessions],
            "changed": list(result.changed_fields), "notified": len(result.notify_user_ids), "start_read": read}
    done = _("cancelled #{id} {when}  {title}") if args.action == "cancel" else _("updated #{id} {when}  {title}")
    lines = [done.format(id=v.id, when=utc_text(v.start_utc), title=v.title) for v in result.training_sessions]
    if read is not None:
        start = read_back(datetime.fromisoformat(read["start_utc"]), read["timezone"])
        lines.append(_("start read as {start}").format(start=start))
    told = len(result.notify_user_ids)
    lines.append(ngettext("{count} member who RSVPed will be told; the running bot sends the updates.",
                          "{count} members who RSVPed will be told; the running bot sends the updates.", told)
                 .format(count=told))
    emit(args, data, "\n".join(lines))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ses = sub.add_parser("sessions", help="capacity-building sessions: list, calendar files, import a programme")
    ses_sub = ses.add_subparsers(dest="action", required=True)
    ses_list = ses_sub.add_parser("list", help="upcoming sessions")
    ses_list.add_argument("--country")
    ses_list.add_argument("--language")
    ses_list.add_argument("--all", action="store_true", help="include cancelled sessions")
    ses_list.add_argument("--json", action="store_true")
    add_language_option(ses_list)
    ses_ics = ses_sub.add_parser("ics", help="an .ics calendar file for a session (or its whole series)")
    ses_ics.add_argument("id")
    ses_ics.add_argument("--series", action="store_true", help="the whole series, as one recurring event")
    ses_ics.add_argument("-o", "--output", help="write to this file instead of standard output")
    ses_feed = ses_sub.add_parser("feed", help="a public calendar feed (.ics subscription) as the web site serves it")
    only = ses_feed.add_mutually_exclusive_group()
    only.add_argument("--country", help="only this country's sessions (a code: TH)")
    only.add_argument("--language", help="only sessions in this language (a code: th)")
    only.add_argument("--series", help="only this series (its id)")
    ses_feed.add_argument("--out", help="write to this file instead of standard output")
    add_language_option(ses_feed)
    ses_imp = ses_sub.add_parser("import", help="plan a whole programme from a YAML file")
    ses_imp.add_argument("file")
    add_language_option(ses_imp)
    ses_edit = ses_sub.add_parser("edit", help="change a session (or it and the rest of its series)")
    ses_edit.add_argument("id")
    ses_edit.add_argument("--start", help="new start, local time in the session's zone ('2027-03-03 14:00', "
                                          "'next Monday 14:00': the latter needs --yes once read back)")
    ses_edit.add_argument("--timezone")
    ses_edit.add_argument("--title")
    ses_edit.add_argument("--description")
    ses_edit.add_argument("--duration", type=int, help="minutes")
    ses_edit.add_argument("--format")
    ses_edit.add_argument("--languages")
    ses_edit.add_argument("--countries")
    ses_edit.add_argument("--join-url")
    ses_edit.add_argument("--capacity", type=int)
    ses_edit.add_argument("--series", action="store_true", help="this and every later occurrence")
    ses_edit.add_argument("--yes", action="store_true", help="save a start given in words once read back")
    ses_edit.add_argument("--json", action="store_true")
    add_language_option(ses_edit)
    ses_cancel = ses_sub.add_parser("cancel", help="cancel a session (or the rest of its series)")
    ses_cancel.add_argument("id")
    ses_cancel.add_argument("--reason", help="told to members who RSVPed")
    ses_cancel.add_argument("--series", action="store_true", help="this and every later occurrence")
    ses_cancel.add_argument("--json", action="store_true")
    add_language_option(ses_cancel)
    ses.set_defaults(func=cmd_sessions, json=False)
