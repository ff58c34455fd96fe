"""Plain-text wording of plans shared by the embeds and /country (never imports discord)."""

from __future__ import annotations

from bot.catalogues import _, ngettext
from bot.text import safe_echo
from cogs.plans.records import PlanInfo, PlanSummary, status_label


def counts_line(plan: PlanInfo) -> str:
    counts = plan.counts()
    total = sum(counts.values())
    return ngettext("{count} action", "{count} actions", total).format(count=total) + ": " + " · ".join(
        f"{status_label(s)} {n}" for s, n in counts.items())


def summary_for_country(summary: PlanSummary) -> list[str]:
    """The lines /country shows of a plan: counts, what moved since last month, what is overdue."""
    lines = [counts_line(summary.plan)]
    if summary.moved:
        lines.append(_("Moved in the last month: {actions}").format(
            actions="; ".join(f"#{a.id} {safe_echo(a.title, 80)} ({status_label(a.status)})" for a in summary.moved[:5])))
    if summary.overdue:
        lines.append(_("Overdue: {actions}").format(
            actions="; ".join(f"#{a.id} {safe_echo(a.title, 80)} ({a.target_date.isoformat()})"
                              for a in summary.overdue[:5])))
    lines.append(_("The whole plan: /plan show"))
    return lines
