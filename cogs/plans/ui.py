"""Embeds of action plans and consultations, inside Discord's limits; member text made inert
(no markdown, no mentions) wherever it is shown."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time

import discord

from bot.catalogues import _, ngettext
from bot.text import safe_echo, truncate
from bot.ui.common import COLOUR
from cogs.plans.consultations import ConsultationInfo, Results, summary_lines
from cogs.plans.records import ActionInfo, PlanSummary, StatusChange, UpdateInfo, status_label
from cogs.plans.service import LAST_MONTH
from cogs.plans.wording import counts_line

FIELD = 1024
EMBED_BUDGET = 5800  # all text of one embed: Discord's limit is 6,000
MAX_FIELDS = 20


def action_line(a: ActionInfo) -> str:
    return _("`#{id}` {title} — {owner} · by {date} · {status}").format(
        id=a.id, title=safe_echo(a.title, 150), owner=safe_echo(a.owner_org, 80), date=a.target_date.isoformat(),
        status=status_label(a.status))


def history_line(change: StatusChange) -> str:
    """``<date>: planned → under way``, the date a Discord timestamp (each reader sees their own day);
    no one is named: who made a change stays in the database."""
    return (f"{discord.utils.format_dt(change.changed_at, 'd')}: {status_label(change.from_status)} → "
            f"{status_label(change.to_status)}")


def moved_line(a: ActionInfo, since: datetime) -> str:
    """An action that moved, with its status changes since ``since`` under it."""
    changes = a.changes_since(since)[-3:]
    return "\n".join([action_line(a), *(f"  ↳ {history_line(c)}" for c in changes)])


def _joined(lines: Sequence[str], limit: int = FIELD) -> str:
    out: list[str] = []
    used = 0
    for line in lines:
        if used + len(line) + 1 > limit - 2:
            out.append("…")
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out) or "—"


def plan_embed(summary: PlanSummary, waiting: Sequence[tuple[UpdateInfo, str]] = ()) -> discord.Embed:
    plan = summary.plan
    embed = discord.Embed(title=truncate(f"{plan.country_name}: {safe_echo(plan.title, 200)}", 256),
                          description=counts_line(plan), colour=COLOUR)
    # moved, overdue and waiting come first in the budget: an embed holds 6,000 characters in all
    since = summary.since or datetime.combine(summary.today, time(0), tzinfo=UTC) - LAST_MONTH
    tail = [(_("Moved in the last month"),
             _joined([moved_line(a, since) for a in summary.moved], 700) if summary.moved else _("Nothing yet.")),
            (_("Overdue"), _joined([action_line(a) for a in summary.overdue], 700) if summary.overdue
             else _("Nothing is overdue."))]
    if waiting:
        tail.append((_("Progress updates waiting for a facilitator (/plan confirm)"), _joined(
            [f"`#{u.id}` · {safe_echo(title, 60)}: {safe_echo(u.text, 150)}" for u, title in waiting], 700)))
    budget = EMBED_BUDGET - len(embed.title or "") - len(embed.description or "") - sum(
        len(n) + len(v) for n, v in tail) - 300  # the footer
    for rec in plan.recommendations[:MAX_FIELDS - 3]:
        name = truncate(f"{rec.position}. {safe_echo(rec.text, 240)}", 256)
        room = min(FIELD, budget - len(name))
        if room < 120:
            embed.add_field(name="…", value=_("The whole plan: /plan show"), inline=False)
            break
        value = _joined([action_line(a) for a in rec.actions], room)
        embed.add_field(name=name, value=value, inline=False)
        budget -= len(name) + len(value)
    for name, value in tail:
        embed.add_field(name=name, value=value, inline=False)
    embed.set_footer(text=_("Members of this country post progress with /plan update; it counts once a "
                            "facilitator confirms it."))
    return embed


def due_notice(action: ActionInfo, country_name: str) -> str:
    return _("**Milestone due in {country}'s action plan**: {title} ({owner}), target date {date}, now {status}. "
             "Members of {country}: please post what has happened with /plan update action:{id}.").format(
        country=country_name, title=safe_echo(action.title, 200), owner=safe_echo(action.owner_org, 100),
        date=action.target_date.isoformat(), status=status_label(action.status), id=action.id)


def consultation_embed(c: ConsultationInfo, answered: Sequence[int] = (), countries: str = "") -> discord.Embed:
    embed = discord.Embed(title=truncate(safe_echo(c.title, 200), 256),
                          description=truncate(safe_echo(c.summary, 1000, multiline=True), 1500), colour=COLOUR)
    if c.link:
        embed.add_field(name=_("The draft"), value=truncate(c.link, FIELD), inline=False)
    for q in c.questions:
        mark = " ✓" if q.id in answered else ""
        embed.add_field(name=_("Question {number}").format(number=q.position) + mark,
                        value=truncate(safe_echo(q.text, 300), 600), inline=False)
    embed.add_field(name=_("Closes"), value=discord.utils.format_dt(c.closes_at, "F"), inline=True)
    if countries:
        embed.add_field(name=_("For members from"), value=truncate(countries, FIELD), inline=True)
    embed.set_footer(text=truncate(_("Consultation #{id} · answers can be anonymous to other members; you can change "
                                     "yours until it closes.").format(id=c.id), 2048))
    return embed


def consultations_embed(found: Sequence[ConsultationInfo], hidden: int = 0) -> discord.Embed:
    """The open consultations a member may answer; ``hidden`` ask members of other countries."""
    embed = discord.Embed(title=_("Open consultations"), colour=COLOUR)
    lines = [_("`#{id}` {title} · closes {when} · /consult answer consultation:{id}").format(
        id=c.id, title=safe_echo(c.title, 100), when=discord.utils.format_dt(c.closes_at, "D")) for c in found]
    embed.description = _joined(lines, 3600) if lines else _("No consultation is open right now.")
    if hidden:
        embed.set_footer(text=ngettext(
            "{count} more consultation asks members of other countries. Your country is the one in /profile set.",
            "{count} more consultations ask members of other countries. Your country is the one in /profile set.",
            hidden).format(count=hidden))
    return embed


def summary_embed(results: Results) -> discord.Embed:
    c = results.consultation
    members = c.answered_by
    embed = discord.Embed(title=truncate(_("Consultation closed: {title}").format(title=safe_echo(c.title, 200)), 256),
                          description=ngettext("{count} member answered.", "{count} members answered.", members).format(
                              count=members) + " " + _("Every answer is in the attached CSV file."), colour=COLOUR)
    for heading, text in summary_lines(results)[:MAX_FIELDS]:
        embed.add_field(name=truncate(safe_echo(heading, 200), 200), value=truncate(safe_echo(text, 900, multiline=True), 900),
                        inline=False)
    return embed
