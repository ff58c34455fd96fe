"""The capability record: what this folder contributes to the bot."""

from __future__ import annotations

from bot.capability import Capability, DeliveryKind, Job, ServiceContext, lazy
from cogs.qa import cli, service


def _services(ctx: ServiceContext) -> list[object]:
    return [service.QuestionService(ctx.config, ctx.content.countries)]

CAPABILITY = Capability(
    name="qa",
    extension="cogs.qa.cog",
    services=_services,
    jobs=[Job("qa:route-unanswered", lazy("cogs.qa.jobs:route_unanswered"),
              every_seconds=lambda config: config.qa.route_check_minutes * 60)],
    deliveries={"qa.route": DeliveryKind(lazy("cogs.qa.jobs:send_routing_notice"), needs="View Channel and Send Messages in Threads")},
    digest=[service.solved_digest, service.unanswered_digest],
    privacy=service.PRIVACY,
    cli=cli.register,
)
