"""The capability record of member profiles, the members directory and routing to peers."""

from __future__ import annotations

from bot.capability import Capability, DeliveryKind, Job, ServiceContext, lazy
from cogs.profiles import (
    cli,
    models,  # noqa: F401  (the tables join Base.metadata)
)
from cogs.profiles.privacy import PRIVACY
from cogs.profiles.service import ProfileService


def _services(ctx: ServiceContext) -> list[object]:
    return [ProfileService(ctx.config, ctx.content.countries)]


CAPABILITY = Capability(
    name="profiles",
    extension="cogs.profiles.cog",
    services=_services,
    jobs=[Job("profiles:route-peers", lazy("cogs.profiles.jobs:route_peers"),
              every_seconds=lambda config: config.qa.route_check_minutes * 60)],
    deliveries={"profiles.peer": DeliveryKind(lazy("cogs.profiles.jobs:send_peer_note"), needs="Send Messages (DMs)")},
    pagers={"members": lazy("cogs.profiles.cog:render_page")},
    privacy=PRIVACY,
    cli=cli.register,
    web="cogs.profiles.web:routes",
    report="cogs.profiles.report:participation",
)
