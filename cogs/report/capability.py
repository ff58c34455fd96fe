"""The capability record of the monitoring and evaluation report (its sections come from the other
capabilities' records: ``Capability.report``)."""

from __future__ import annotations

from bot.capability import Capability, ServiceContext
from cogs.report import cli
from cogs.report.service import ReportService


def _services(ctx: ServiceContext) -> list[object]:
    return [ReportService(ctx.capabilities, ctx.guild)]


CAPABILITY = Capability(
    name="report",
    extension="cogs.report.cog",
    services=_services,
    cli=cli.register,
)
