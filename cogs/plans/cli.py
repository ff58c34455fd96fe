"""``python -m bot plans list|show|import|export`` and ``python -m bot consultations list|export``.

The CLI acts as ``Actor.cli()`` (an administrator on the bot's machine), through the same
services as /plan and /consult. ``plans export`` writes the YAML ``plans import`` reads (or JSON
with ``--json``); ``consultations export ID`` writes the answers' CSV the facilitators get."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import yaml

from bot.app import App
from bot.catalogues import use_language
from bot.cli import add_language_option, cli_language, emit, run_with_app
from bot.permissions import Actor


def cmd_plans(args: argparse.Namespace) -> int:
    with use_language(cli_language(args)):
        return run_with_app(args, lambda app: _plans(app, args))


async def _plans(app: App, args: argparse.Namespace) -> int:
    from cogs.plans.service import PlanService
    from cogs.plans.wording import counts_line

    plans = app.service(PlanService)
    if args.action == "list":
        async with app.db.begin() as session:
            found = await plans.plans(session)
            summaries = [await plans.summary(session, p.country) for p in found]
        lines = [f"{p.country}  {p.country_name}: {p.title} · {counts_line(p)}"
                 + (f" · overdue {len(s.overdue)}" if s and s.overdue else "") for p, s in zip(found, summaries, strict=True)]
        emit(args, [{**p.as_json(updates=False), "counts": p.counts(),
                     "overdue": [a.id for a in s.overdue] if s else []} for p, s in zip(found, summaries, strict=True)],
             "\n".join(lines) or "No action plan yet: python -m bot plans import FILE")
        return 0
    if args.action == "show":
        async with app.db.begin() as session:
            plan = await plans.require_plan(session, plans.parse_country(args.country))
            summary = await plans.summary(session, plan.country)
        overdue = {a.id for a in summary.overdue} if summary else set()
        lines = [f"{plan.country_name}: {plan.title}", counts_line(plan)]
        for rec in plan.recommendations:
            lines.append(f"\n{rec.position}. {rec.text}")
            for a in rec.actions:
                flag = "  OVERDUE" if a.id in overdue else ""
                lines.append(f"   #{a.id} {a.title} | {a.owner_org} | {a.target_date.isoformat()} | {a.status}{flag}")
                lines.extend(f"      {h.changed_at.date().isoformat()} status {h.from_status} -> {h.to_status}"
                             for h in a.history)
                lines.extend(f"      {u.created_at.date().isoformat()} {u.text} {' '.join(u.evidence)}" for u in a.confirmed)
        emit(args, plan.as_json(), "\n".join(lines))
        return 0
    if args.action == "export":
        async with app.db.begin() as session:
            data = await plans.export(session, args.country)
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        if args.output:
            await asyncio.to_thread(Path(args.output).write_text, text, encoding="utf-8")
            print(f"wrote {args.output}", file=sys.stderr)
        else:
            emit(args, data, text.rstrip())
        return 0
    # import: validated as a whole; nothing is stored unless every entry is valid
    from cogs.plans.importer import load_plans

    drafts = load_plans(Path(args.file))
    async with app.db.begin() as session:
        imported = await plans.import_plans(session, Actor.cli(), drafts)
    for p in imported:
        print(f"{p.country}  {p.country_name}: {counts_line(p)}")
    return 0


def cmd_consultations(args: argparse.Namespace) -> int:
    with use_language(cli_language(args)):
        return run_with_app(args, lambda app: _consultations(app, args))


async def _consultations(app: App, args: argparse.Namespace) -> int:
    from cogs.plans.consultations import ConsultationService

    service = app.service(ConsultationService)
    if args.action == "list":
        async with app.db.begin() as session:
            found = await service.listing(session, open_only=args.open)
        lines = [f"#{c.id:<4} {'open  ' if c.is_open() else 'closed'} {c.closes_at.isoformat()}  {c.title}  "
                 f"({c.answered_by} answered)" for c in found]
        emit(args, [c.as_json() for c in found], "\n".join(lines) or "No consultation yet.")
        return 0
    async with app.db.begin() as session:
        results = await service.results(session, int(args.id))
    data = results.csv(service.countries)
    if args.output:
        await asyncio.to_thread(Path(args.output).write_bytes, data)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(data.decode("utf-8-sig"))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = sub.add_parser("plans", help="national action plans: list, show, import and export (YAML)")
    add_language_option(cmd)
    plan_sub = cmd.add_subparsers(dest="action", required=True)
    listing = plan_sub.add_parser("list", help="every plan with its actions' counts by status")
    listing.add_argument("--json", action="store_true")
    show = plan_sub.add_parser("show", help="one country's plan, its actions and confirmed updates")
    show.add_argument("country", help="the country, in any language or as its code")
    show.add_argument("--json", action="store_true")
    imp = plan_sub.add_parser("import", help="create or complete plans from a YAML file (all or nothing)")
    imp.add_argument("file")
    exp = plan_sub.add_parser("export", help="the plans as the YAML file `plans import` reads")
    exp.add_argument("country", nargs="?", help="only this country's plan")
    exp.add_argument("-o", "--output", help="write to this file instead of standard output")
    exp.add_argument("--json", action="store_true")
    cmd.set_defaults(func=cmd_plans, json=False, output=None)

    con = sub.add_parser("consultations", help="policy consultations: list them, export one's answers as CSV")
    add_language_option(con)
    con_sub = con.add_subparsers(dest="action", required=True)
    con_list = con_sub.add_parser("list", help="consultations, newest closing first")
    con_list.add_argument("--open", action="store_true", help="only those still open")
    con_list.add_argument("--json", action="store_true")
    con_exp = con_sub.add_parser("export", help="one consultation's answers as CSV (anonymous ones without the member)")
    con_exp.add_argument("id")
    con_exp.add_argument("-o", "--output", help="write to this file instead of standard output")
    con.set_defaults(func=cmd_consultations, json=False, output=None, open=False)
