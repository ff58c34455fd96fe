"""The capability record of availability polls (``/session poll``)."""

from __future__ import annotations

from bot.capability import Capability, DeliveryKind, ServiceContext, lazy
from cogs.polls import service
from cogs.polls.service import PollService
from cogs.sessions.planning import PlanningService


def _services(ctx: ServiceContext) -> list[object]:
    # the sessions' record is listed first: its planner makes the winning slot a session
    return [PollService(ctx.guild, ctx.outbox, ctx.get(PlanningService))]


CAPABILITY = Capability(
    name="polls",
    extension="cogs.polls.cog",
    services=_services,
    deliveries={
        service.POST: DeliveryKind(lazy("cogs.polls.jobs:send_poll"), needs="View Channel, Send Messages and Embed Links"),
        service.REFRESH: DeliveryKind(lazy("cogs.polls.jobs:refresh_poll"), needs="View Channel and Read Message History"),
    },
    privacy=service.PRIVACY,
)
