"""Rendering the report for Discord: a short summary embed within Discord's limits, and its files."""

from __future__ import annotations

import io
import zipfile

import discord

from bot.catalogues import _
from bot.report import Report, csv_files, period_label, summary_lines
from bot.text import truncate
from bot.ui.common import COLOUR

MAX_FIELD = 1024


def report_embed(report: Report) -> discord.Embed:
    embed = discord.Embed(title=truncate(_("Report: {period}").format(period=period_label(report.period)), 256),
                          description=_("The charts (PNG) and every table (CSV, in one ZIP file) are attached. "
                                        "Days and months are those of the time zone {zone}.").format(
                                            zone=report.period.zone), colour=COLOUR)
    for section in report.sections[:25]:
        embed.add_field(name=truncate(section.title, 256), value=truncate(summary_lines(section) or "—", MAX_FIELD),
                        inline=False)
    return embed


def file_stem(report: Report) -> str:
    return f"report-{report.period.first.isoformat()}-{report.period.last.isoformat()}"


def csv_zip(report: Report) -> tuple[str, bytes]:
    """Every table's CSV in one ZIP (a message carries at most 10 files)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in csv_files(report):
            archive.writestr(name, data)
    return f"{file_stem(report)}-csv.zip", out.getvalue()
