"""The capability record: what this folder contributes to the bot."""

from __future__ import annotations

from bot.capability import Capability, Job, ServiceContext
from cogs.qa import cli, service
from cogs.qa.jobs import route_unanswered


def _services(ctx: ServiceContext) -> list[object]:
    return [service.QuestionService(ctx.config)]

CAPABILITY = Capability(
    name="qa",
    extension="cogs.qa.cog",
    services=_services,
    jobs=[Job("qa:route-unanswered", route_unanswered,
              every_seconds=lambda config: config.qa.route_check_minutes * 60)],
    digest=[service.solved_digest, service.unanswered_digest],
    privacy=service.PRIVACY,
    cli=cli.register,
)
