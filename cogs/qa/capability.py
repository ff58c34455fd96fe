"""The capability record: what this folder contributes to the bot."""

from __future__ import annotations

from bot.capability import Capability, DeliveryKind, Job
from cogs.qa import cli, service
from cogs.qa.jobs import ROUTE, route_unanswered, send_routing_notice

CAPABILITY = Capability(
    name="qa",
    extension="cogs.qa.cog",
    jobs=[Job("qa:route-unanswered", route_unanswered,
              every_seconds=lambda config: config.qa.route_check_minutes * 60)],
    deliveries={ROUTE: DeliveryKind(send_routing_notice, needs="View Channel and Send Messages in Threads")},
    digest=[service.solved_digest, service.unanswered_digest],
    privacy=service.PRIVACY,
    cli=cli.register,
)
