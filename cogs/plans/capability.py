"""The capability record of national action plans and policy consultations."""

from __future__ import annotations

from bot.capability import Capability, DeliveryKind, Job, ServiceContext, lazy
from cogs.glossary.thesaurus import provided
from cogs.plans import (
    cli,
    models,  # noqa: F401  (the tables join Base.metadata)
)
from cogs.plans.consultations import SUMMARY, ConsultationService
from cogs.plans.privacy import PRIVACY
from cogs.plans.service import DUE, PlanService


def _services(ctx: ServiceContext) -> list[object]:
    # after the glossary (bot/capabilities.py): answers are grouped by the glossary terms they mention
    return [PlanService(ctx.config, ctx.guild, ctx.outbox, ctx.content.countries),
            ConsultationService(ctx.guild, ctx.outbox, ctx.config.plans.summary_channel, ctx.content.countries,
                                provided(ctx), {t.id: t.term for t in ctx.content.terms})]


CAPABILITY = Capability(
    name="plans",
    extension="cogs.plans.cog",
    services=_services,
    jobs=[Job("plans:check", lazy("cogs.plans.jobs:check"),
              every_seconds=lambda config: config.plans.check_minutes * 60)],
    deliveries={
        DUE: DeliveryKind(lazy("cogs.plans.jobs:send_due"), needs="View Channel and Send Messages (in threads too)"),
        SUMMARY: DeliveryKind(lazy("cogs.plans.jobs:send_summary"), needs="Send Messages and Attach Files"),
    },
    privacy=PRIVACY,
    cli=cli.register,
)
