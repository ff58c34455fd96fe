"""``python -m bot report --from D --to D [--csv DIR] [--png DIR] [--json] [--lang L]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.app import App
from bot.cli import add_language_option, cli_language, run_with_app


def cmd_report(args: argparse.Namespace) -> int:
    from bot.catalogues import use_language
    from bot.permissions import Actor
    from bot.report import csv_files, json_text, period_label, summary_lines, write_files
    from cogs.report.service import ReportService

    language = cli_language(args)

    async def go(app: App) -> int:
        with use_language(language):
            async with app.db.begin() as session:
                report = await app.service(ReportService).make(session, Actor.cli(), args.date_from, args.date_to)
            written = []
            if args.csv:
                written += write_files(csv_files(report), Path(args.csv))
            if args.png:
                from bot.charts import png_files

                written += write_files(png_files(report), Path(args.png))
            if args.json:
                print(json_text(report))
            else:
                print(period_label(report.period))
                for section in report.sections:
                    print(f"\n{section.title}\n{summary_lines(section)}")
            for path in written:  # on stderr with --json, so stdout stays one JSON document
                print(f"wrote {path}", file=sys.stderr if args.json else sys.stdout)
        return 0

    return run_with_app(args, go)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = sub.add_parser("report", help="the monitoring and evaluation report for a period")
    cmd.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="first day (default: 29 days before --to)")
    cmd.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="last day, included (default: today in the community's time zone)")
    cmd.add_argument("--csv", metavar="DIR", help="write one CSV file per table into DIR")
    cmd.add_argument("--png", metavar="DIR", help="write the charts as PNG files into DIR")
    cmd.add_argument("--json", action="store_true", help="print every figure and table as JSON")
    add_language_option(cmd)
    cmd.set_defaults(func=cmd_report)
