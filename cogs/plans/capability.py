"""The capability record of national action plans and policy consultations."""

from __future__ import annotations

from bot.capability import Capability, ServiceContext
from cogs.glossary.thesaurus import provided
from cogs.plans import models  # noqa: F401  (the tables join Base.metadata)
from cogs.plans.consultations import ConsultationService
from cogs.plans.privacy import PRIVACY
from cogs.plans.service import PlanService


def _services(ctx: ServiceContext) -> list[object]:
    # after the glossary (bot/capabilities.py): answers are grouped by the glossary terms they mention
    return [PlanService(ctx.config, ctx.guild, ctx.outbox, ctx.content.countries),
            ConsultationService(ctx.guild, ctx.outbox, ctx.config.plans.summary_channel, ctx.content.countries,
                                provided(ctx), {t.id: t.term for t in ctx.content.terms})]


CAPABILITY = Capability(
    name="plans",
    services=_services,
    privacy=PRIVACY,
)
