"""The capability record: what this folder contributes to the bot."""

from __future__ import annotations

from bot.capability import Capability, ServiceContext, lazy
from cogs.countries import cli
from cogs.countries.service import CountryProfileService
from cogs.plans.service import PlanService
from cogs.qa.service import QuestionService
from cogs.resources.service import ResourceService
from cogs.sessions.reading import TrainingSessionService


def _services(ctx: ServiceContext) -> list[object]:
    # built after resources, sessions, Q&A and plans (bot/capabilities.py), whose services it reads
    try:
        plans: PlanService | None = ctx.get(PlanService)
    except LookupError:
        plans = None
    return [CountryProfileService(ctx.content.countries, ctx.content.terms, ctx.get(ResourceService),
                                  ctx.get(TrainingSessionService), ctx.get(QuestionService), plans)]


CAPABILITY = Capability(
    name="countries", extension="cogs.countries.cog", services=_services, cli=cli.register,
    pagers={"country": lazy("cogs.countries.cog:render_page")},  # the saved-query kind of /country
    web="cogs.countries.web:routes",  # /countries and a profile page per country (bot/web/)
)
