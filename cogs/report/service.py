"""Making the report for a facilitator (Discord) or the programme team (CLI): who may, and for when."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.capability import Capability
from bot.catalogues import _
from bot.guild import GuildSettings
from bot.permissions import Actor
from bot.report import Period, Report, build_report, parse_period
from cogs.sessions.wording import facilitators_only


class ReportService:
    def __init__(self, capabilities: Sequence[Capability], guild: GuildSettings):
        self.capabilities = capabilities
        self.guild = guild

    def prepare(self, actor: Actor, first: str | None, last: str | None, *, now: datetime | None = None) -> Period:
        """The period typed (``YYYY-MM-DD``, days of the community's time zone; by default the last 30
        days), once the actor is known to be a facilitator (checked here, whatever the entry point): a polite error otherwise."""
        facilitators_only(actor, self.guild.current,
                          _("Only facilitators can see the report. Please ask a facilitator if you need its figures."))
        return parse_period(first, last, now=now, zone=self.guild.current.timezone)

    async def build(self, session: AsyncSession, period: Period) -> Report:
        """Every capability's sections for ``period``, in the current language."""
        return await build_report(session, self.capabilities, period)

    async def make(self, session: AsyncSession, actor: Actor, first: str | None, last: str | None,
                   *, now: datetime | None = None) -> Report:
        return await self.build(session, self.prepare(actor, first, last, now=now))
