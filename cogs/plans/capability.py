"""The capability record of national action plans and policy consultations."""

from __future__ import annotations

from bot.capability import Capability, DeliveryKind, Job, Need, ServiceContext, lazy
from bot.catalogues import N_
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
    # a milestone is announced in its country's channel or thread (plans.channels), else in the
    # announcements channel; the closing summary goes to plans.summary_channel (else by DM)
    permissions=[
        Need("view_channel", "announcements", N_("see the announcements channel")),
        Need("send_messages", "announcements", N_("announce milestones of countries without a plan channel")),
        Need("view_channel", "plans", N_("see each country's plan channel or thread"),
             when=lambda config: bool(config.plans.channels)),
        Need("send_messages", "plans", N_("announce a plan's milestones falling due"),
             when=lambda config: bool(config.plans.channels)),
        *(Need(flag, "plans_summary", why, when=lambda config: bool(config.plans.summary_channel)) for flag, why in (
            ("view_channel", N_("see the consultation summary channel")),
            ("send_messages", N_("post a consultation's summary when it closes")),
            ("embed_links", N_("show the summary as an embed")),
            ("attach_files", N_("attach the answers as a CSV file")))),
    ],
    privacy=PRIVACY,
    cli=cli.register,
    report="cogs.plans.report:plans_report",
)
